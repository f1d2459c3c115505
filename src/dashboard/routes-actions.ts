import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import { UnknownAgentError } from '../config/agent-config.js';
import { MAX_NOTICE_BYTES } from '../observatory/alerts/parse-notice.js';
import { InvalidMessageError, InvalidPayloadError, RemoteError, SendError } from '../sender/errors.js';
import type { DashboardSource } from './dashboard-source.js';
import type { StateEvents } from './events.js';
import { HttpError } from './http-errors.js';
import { acceptsBody, parseInput } from './request-input.js';

const JSON_TYPES = ['application/json'];
const NOTICE_TYPES = ['application/xml', 'text/xml', 'application/json'];

const DrillQuery = z.object({
  drill: z.enum(['0', '1', 'true', 'false', 'yes', 'no', '']).optional(),
});
const MessageBody = z.object({ message: z.string().min(1), payload: z.unknown().optional() });
const AgentParams = z.object({ name: z.string().min(1) });

/**
 * What an action's failure means to the operator: an agent not in the config is 404; a message
 * the agent refused (its handler threw, no such handler, a payload not of its declared shape, a
 * payload not sendable) is 400, with the agent's own words; an agent down or not answering, or
 * answering what its contract does not allow (an InvalidPayloadError on the reply side), is 502.
 */
export function actionError(err: unknown): HttpError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof HttpError) return err;
  if (err instanceof UnknownAgentError) return new HttpError(404, message);
  if (err instanceof RemoteError || err instanceof InvalidMessageError) return new HttpError(400, message);
  if (err instanceof InvalidPayloadError && err.side === 'payload') return new HttpError(400, message);
  if (err instanceof SendError) return new HttpError(502, message);
  return new HttpError(500, message);
}

/** Every action of docs/dashboard.md (`POST`), each behind `guard`, each followed by a state event. */
export function registerActionRoutes(
  app: FastifyInstance,
  source: DashboardSource,
  events: StateEvents,
  guard: onRequestHookHandler,
): void {
  // A reply of undefined (a handler that returns nothing) is sent as null: fastify sends nothing for undefined.
  const act = async (run: () => Promise<unknown>): Promise<unknown> => {
    try {
      return (await run()) ?? null;
    } catch (err) {
      throw actionError(err);
    } finally {
      events.push();
    }
  };
  const noBody = { onRequest: [guard, acceptsBody(JSON_TYPES, true)] };

  // In a scope of its own: a JSON notice is kept as the text it came as (its id hashes it), and
  // a notice may be as large as GCN's (4 MiB), not only 1 MiB as other bodies.
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    const options = { onRequest: [guard, acceptsBody(NOTICE_TYPES)], bodyLimit: MAX_NOTICE_BYTES };
    scope.post('/api/alerts', options, (request) => {
      const { drill } = parseInput(DrillQuery, request.query, 'query');
      const text = typeof request.body === 'string' ? request.body : '';
      if (text.trim() === '')
        throw new HttpError(400, 'body: empty (expected the notice: VOEvent XML or JSON)');
      return act(() => source.injectAlert(text, drill === '1' || drill === 'true' || drill === 'yes'));
    });
  });

  app.post('/api/agents/:name/messages', { onRequest: [guard, acceptsBody(JSON_TYPES)] }, async (request) => {
    const { name } = parseInput(AgentParams, request.params, 'path');
    const body = parseInput(MessageBody, request.body, 'body');
    const reply = await act(() => source.sendMessage(name, body.message, body.payload));
    return { reply };
  });

  app.post('/api/dome/close', noBody, () => act(() => source.closeDome()));
  app.post('/api/majordome/pause', noBody, () => act(() => source.pause(true)));
  app.post('/api/majordome/resume', noBody, () => act(() => source.pause(false)));
}
