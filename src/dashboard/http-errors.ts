import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../logging/logger.js';

/** An error the dashboard answers as `{ error }` with this status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    /** Headers the answer carries (e.g. `retry-after` of a 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The body limit (413 above it). */
export const BODY_LIMIT_BYTES = 1 << 20;

/** Clearer words for fastify's own input errors. */
const FASTIFY_MESSAGES: Readonly<Record<string, (e: FastifyError, limit: number) => string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_e, limit) => `body over ${limit} bytes (${(limit / 1048576).toFixed(0)} MiB)`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) => `unsupported content type: ${e.message.replace(/^.*?: /, '')}`,
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'empty body: expected JSON (content-type application/json)',
  FST_ERR_CTP_INVALID_JSON_BODY: (e) => `body is not JSON: ${e.message}`,
};

/** One line: the dashboard's errors are shown as they are. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim() || 'error';
}

/**
 * Every error becomes `{ error: "one line" }`: input errors keep their 4xx status, anything else
 * is a 500 (logged); an unknown route is a JSON 404, not fastify's default.
 */
export function answerErrorsAsJson(app: FastifyInstance, log?: Logger): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    let message = err.message;
    const better = err.code === undefined ? undefined : FASTIFY_MESSAGES[err.code];
    if (better !== undefined) message = better(err, request.routeOptions.bodyLimit ?? BODY_LIMIT_BYTES);
    else if (err instanceof SyntaxError && status === 400) message = `body is not JSON: ${err.message}`;
    if (status >= 500) log?.error({ err }, `${request.method} ${request.url}: ${err.message}`);
    if (err instanceof HttpError) reply.headers(err.headers);
    return reply.code(status).send({ error: oneLine(message) });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no such route: ${request.method} ${request.url.split('?')[0]}` }),
  );
}
