import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.js';
import { DashboardAuth } from './auth.js';
import type { DashboardSource } from './dashboard-source.js';
import { StateEvents } from './events.js';
import { answerErrorsAsJson, BODY_LIMIT_BYTES } from './http-errors.js';
import { registerActionRoutes } from './routes-actions.js';
import { registerReadRoutes } from './routes-read.js';
import { registerStaticFiles } from './static-files.js';

/** How the dashboard's server is set up. */
export interface DashboardServerOptions {
  /** The token actions need (none: every action is refused). */
  readonly token?: string | undefined;
  /** Whether it listens on a loopback address: reading is then open. */
  readonly loopback: boolean;
  /** The page's folder (index.html, app.js, style.css). */
  readonly publicDir: string;
  /** Origins besides its own whose pages may act (`[dashboard] allowed_origins`: a proxy in front of it). */
  readonly allowedOrigins?: readonly string[];
  /** Where server errors (5xx), stream failures and wrong tokens are logged. */
  readonly log?: Logger;
  /** The login limiter's clock (tests). */
  readonly now?: () => number;
}

/**
 * The dashboard's HTTP server (docs/dashboard.md) over a source, not yet listening: call
 * `listen({ host, port })`, or `inject()` in tests. Closing it ends the event streams; the source
 * is its caller's to close.
 */
export function createDashboardServer(
  source: DashboardSource,
  options: DashboardServerOptions,
): FastifyInstance {
  // forceCloseConnections: a shutdown must not wait for a browser's idle keep-alive sockets.
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES, forceCloseConnections: true });
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  answerErrorsAsJson(app, options.log);
  const auth = new DashboardAuth(options);
  const events = new StateEvents(() => source.state(), options.log);
  // Before the server waits for its connections to end: an event stream never ends by itself.
  app.addHook('preClose', async () => events.close());
  auth.register(app);
  registerReadRoutes(app, source, events, auth.read);
  registerActionRoutes(app, source, events, auth.action);
  registerStaticFiles(app, options.publicDir);
  return app;
}
