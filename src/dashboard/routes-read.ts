import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import type { DashboardSource } from './dashboard-source.js';
import type { StateEvents } from './events.js';
import { HttpError } from './http-errors.js';
import { limitOf, parseInput } from './request-input.js';

/** Default `limit` of each list. */
export const DEFAULT_LIMITS = { messages: 100, alerts: 50, images: 50 } as const;

const LimitQuery = z.object({ limit: z.string().optional() });
const MessagesQuery = z.object({ limit: z.string().optional(), agent: z.string().optional() });
const ImageParams = z.object({ id: z.string() });

/** Every `GET /api/…` of docs/dashboard.md; `guard` decides who may read. */
export function registerReadRoutes(
  app: FastifyInstance,
  source: DashboardSource,
  events: StateEvents,
  guard: onRequestHookHandler,
): void {
  const read = { onRequest: guard };
  app.get('/api/state', read, () => source.state());
  app.get('/api/agents', read, () => source.agents());
  app.get('/api/tasks', read, () => source.tasks());
  app.get('/api/plan', read, () => source.plan());
  app.get('/api/plan/altitudes', read, () => source.altitudes());
  app.get('/api/now', read, () => source.now());

  app.get('/api/messages', read, (request) => {
    const query = parseInput(MessagesQuery, request.query, 'query');
    const agent = query.agent === '' ? undefined : query.agent;
    return source.messages(limitOf(query.limit, DEFAULT_LIMITS.messages), agent);
  });
  app.get('/api/alerts', read, (request) => {
    const query = parseInput(LimitQuery, request.query, 'query');
    return source.alerts(limitOf(query.limit, DEFAULT_LIMITS.alerts));
  });
  app.get('/api/images', read, (request) => {
    const query = parseInput(LimitQuery, request.query, 'query');
    return source.images(limitOf(query.limit, DEFAULT_LIMITS.images));
  });

  app.get('/api/images/:id/preview.png', read, async (request, reply) => {
    const { id } = parseInput(ImageParams, request.params, 'path');
    if (!/^\d{1,15}$/.test(id)) throw new HttpError(400, `image id ${JSON.stringify(id)} is not a number`);
    const png = await source.preview(Number(id));
    if (png === undefined) throw new HttpError(404, `no image ${id}`);
    // An image never changes once written.
    return reply.type('image/png').header('cache-control', 'max-age=3600').send(png);
  });

  app.get('/api/events', read, (request, reply) => events.attach(request, reply));
}
