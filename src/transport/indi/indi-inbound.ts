// What a client does with each message from the server: the cache first, then the events, then
// the waits, so that a listener or a wait always finds the cache already up to date. A driver's
// message (standalone, or attached to a vector) goes out before the vector it came with, so that
// a request failing with Alert already knows what the driver said.
import type { IndiCache } from './indi-cache.js';
import type { TypedEmitter } from './indi-emitter.js';
import type { IndiInbound } from './indi-messages.js';
import type { IndiClientEvents } from './indi-types.js';
import { indiTimestamp } from './indi-values.js';
import type { IndiWaits } from './indi-waits.js';

/** What applyInbound uses of a client. */
export interface InboundContext {
  readonly cache: IndiCache;
  readonly events: TypedEmitter<IndiClientEvents>;
  readonly waits: IndiWaits;
  readonly log: { warn(message: string): void; debug(message: string): void };
  readonly address: string;
}

/** Applies one message from the server. */
export function applyInbound(ctx: InboundContext, m: IndiInbound): void {
  const now = Date.now();
  switch (m.kind) {
    case 'define': {
      const d = m.vector;
      if (d.message) driverMessage(ctx, d.device, d.message, d.timestamp, d.name);
      const r = ctx.cache.define(d, now);
      if (!r.ok) return problem(ctx, r.reason, d.device, d.name);
      ctx.events.emit('define', { vector: r.vector });
      ctx.waits.notify({ kind: 'vector', vector: r.vector, defined: true });
      return;
    }
    case 'update': {
      const u = m.update;
      const r = ctx.cache.update(u, now);
      // A set of a vector not (or no longer) defined is common around a delProperty: not an error.
      if (!r.ok) return ctx.log.debug(`INDI ${ctx.address}: ${r.reason}`);
      if (u.message) driverMessage(ctx, u.device, u.message, u.timestamp, u.name);
      if (u.type === 'BLOB') {
        for (const [element, b] of u.values) {
          const blob = {
            device: u.device,
            vector: u.name,
            element,
            format: b.format,
            size: b.size,
            data: b.data,
          };
          ctx.events.emit('blob', blob);
        }
      }
      ctx.events.emit('update', { vector: r.vector, previousState: r.previousState ?? r.vector.state });
      ctx.waits.notify({ kind: 'vector', vector: r.vector, defined: false });
      return;
    }
    case 'delete':
      if (m.message) driverMessage(ctx, m.device, m.message, m.timestamp, m.name);
      ctx.cache.delete(m.device, m.name);
      ctx.events.emit('delete', { device: m.device, ...(m.name !== undefined ? { name: m.name } : {}) });
      return;
    case 'message':
      return driverMessage(ctx, m.device, m.text, m.timestamp);
    case 'problem':
      return problem(ctx, m.reason, m.device, m.property);
    default:
      return; // pingReply: the connection already counted it as a sign of life
  }
}

function problem(ctx: InboundContext, reason: string, device?: string, property?: string): void {
  ctx.log.warn(`INDI ${ctx.address}: ${reason}`);
  ctx.events.emit('error', { reason, ...(device ? { device } : {}), ...(property ? { property } : {}) });
}

function driverMessage(
  ctx: InboundContext,
  device: string | undefined,
  text: string,
  timestamp: string | undefined,
  property?: string,
): void {
  ctx.log.debug(`INDI ${device ?? ctx.address}: ${text}`);
  const where = { ...(device ? { device } : {}) };
  ctx.events.emit('message', { ...where, text, timestamp: timestamp ?? indiTimestamp() });
  ctx.waits.notify({ kind: 'message', text, ...where, ...(property ? { property } : {}) });
}
