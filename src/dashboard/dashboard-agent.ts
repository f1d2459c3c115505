import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export { isLoopbackHost } from './loopback.js';

import { defineApp } from '../host/app.js';
import { ObservatoryAgent } from '../observatory/agents/observatory-agent.js';
import type { ObservatoryContext } from '../observatory/observatory-context.js';
import { createDashboardServer } from './dashboard-server.js';
import { firstRunToken } from './first-run-token.js';
import { isLoopbackHost } from './loopback.js';
import { ObservatorySource } from './observatory-source.js';
import { PUBLIC_DIR } from './static-files.js';

/** The dashboard's agent name: its section in pyros_agent_config.ini. */
export const DASHBOARD = 'dashboard';
/** Where the token comes from when observatory.ini has none. */
export const DASHBOARD_TOKEN_ENV = 'PYROS_DASHBOARD_TOKEN';

/**
 * The operator's web page (docs/dashboard.md) as an observatory agent: work() serves it on
 * `[dashboard] host:port` of observatory.ini. It owns no state: every read is asked of the agent
 * that owns it, and every action sent to the agent that acts, by message, like any peer (so the
 * others may run on other computers).
 */
export class DashboardAgent extends ObservatoryAgent {
  #server: FastifyInstance | undefined;
  #source: ObservatorySource | undefined;
  #httpPort: number | undefined;

  constructor(ctx?: ObservatoryContext) {
    super(DASHBOARD, undefined, ctx);
  }

  /** The HTTP port it listens on (the bound one when `port = 0`), once work() has run. */
  get httpPort(): number | undefined {
    return this.#httpPort;
  }

  protected override async work(): Promise<void> {
    const { host, port, token, allowed_origins } = this.ctx.settings.dashboard;
    const loopback = isLoopbackHost(host);
    const configured = token || process.env[DASHBOARD_TOKEN_ENV] || undefined;
    // None configured: one made at the first start and kept in this agent's data folder.
    const made = configured === undefined ? firstRunToken(this.dataDir) : undefined;
    if (made?.error !== undefined)
      this.log.warn(`dashboard token: cannot keep it (${made.error}): it lasts this run only`);
    const source = new ObservatorySource(this.ctx);
    this.#source = source;
    this.#server = createDashboardServer(source, {
      token: configured ?? made?.token,
      loopback,
      allowedOrigins: allowed_origins,
      publicDir: PUBLIC_DIR,
      log: this.log,
    });
    await this.#server.listen({ host, port });
    this.#httpPort = (this.#server.server.address() as AddressInfo).port;
    const shown = host.includes(':') ? `[${host}]` : host;
    const url = `http://${shown}:${this.#httpPort}/`;
    const reading = loopback ? '' : ' (not loopback: reading needs the token too)';
    // The made token is in the link, once per start (as Jupyter prints its own): the page logs in
    // with it. A configured token is the operator's: never printed.
    if (made === undefined) this.log.info(`dashboard on ${url}${reading}`);
    else
      this.log.info(
        `dashboard: ${url}?token=${made.token}${reading} (no [dashboard] token configured: ` +
          `${made.created ? 'made one' : 'the one made at the first start'}${made.file === undefined ? '' : `, kept in ${made.file}`})`,
      );
  }

  protected override async shutdown(): Promise<void> {
    await this.#server?.close();
    await this.#source?.close();
    await super.shutdown();
  }
}

export default defineApp({
  name: DASHBOARD,
  async ready() {
    await new DashboardAgent().start();
  },
});
