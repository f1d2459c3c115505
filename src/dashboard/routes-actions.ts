import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import { UnknownAgentError } from '../config/agent-config.js';
import { InvalidMessageError, InvalidPayloadError, RemoteError, SendError } from '../sender/errors.js';
import type { DashboardSource } from './dashboard-source.js';
import type { StateEvents } from './events.js';
import { HttpError } from './http-errors.js';
import { acceptsBody, parseInput } from './request-input.js';

const JSON_TYPES = ['application/json'];
const XML_TYPES = ['application/xml', 'text/xml'];

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

  app.post('/api/alerts', { onRequest: [guard, acceptsBody(XML_TYPES)] }, (request) => {
    const { drill } = parseInput(DrillQuery, request.query, 'query');
    const xml = typeof request.body === 'string' ? request.body : '';
    if (xml.trim() === '') throw new HttpError(400, 'body: empty (expected the VOEvent XML)');
    return act(() => source.injectAlert(xml, drill === '1' || drill === 'true' || drill === 'yes'));
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
