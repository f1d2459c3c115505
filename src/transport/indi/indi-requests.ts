// The waits of IndiClient that send something first: a request carried out, a device connected,
// a device answering. Each is a function of the few client parts it needs, so that the client
// itself stays about connections and the cache.
import { type IndiRequestValues, newVectorXml } from './indi-commands.js';
import {
  IndiError,
  type IndiRequestOptions,
  type IndiSwitchVector,
  type IndiVector,
  type IndiWaitOptions,
} from './indi-types.js';
import { DEFAULT_WAIT_MS, type IndiWaits } from './indi-waits.js';
import { getPropertiesXml } from './indi-writer.js';

/** What the functions here use of a client. */
export interface RequestContext {
  readonly waits: IndiWaits;
  vector(device: string, name: string): IndiVector | undefined;
  /** Writes XML to the connection; throws (IndiError) when not connected. */
  send(xml: string, device: string, property?: string): void;
  /** Throws (IndiError) when the client is not started. */
  assertStarted(what: string, device: string): void;
}

/** The first state of the vector (current, or a later define/update) for which `predicate` holds. */
export function waitFor(
  ctx: RequestContext,
  device: string,
  name: string,
  predicate: (vector: IndiVector) => boolean,
  opts: IndiWaitOptions,
): Promise<IndiVector> {
  const what = `waiting for ${device}.${name}`;
  return ctx.waits.wait<IndiVector>(
    { what, device, property: name },
    opts,
    (e, settle) => {
      const v = e.kind === 'vector' ? e.vector : undefined;
      if (v !== undefined && v.device === device && v.name === name && predicate(v)) settle.resolve(v);
    },
    (settle) => {
      ctx.assertStarted(what, device);
      const now = ctx.vector(device, name);
      if (now !== undefined && predicate(now)) settle.resolve(now);
    },
  );
}

/** libindi's logger prefixes what drivers log at these levels. */
const WARNING = /^\[(ERROR|WARNING)\]/;

/**
 * Sends `values`, then twice a getProperties for the same vector, in one write. The driver
 * handles messages in order and answers a named getProperties with that one def, so two defs of
 * the vector in a row (no def of another of the device's vectors between them) mark the vector
 * as our values left it: updates before may be older news (a timer's), and a lone def may answer
 * another client's getProperties (every client connecting sends one, and indiserver forwards the
 * defs it causes to all), which defines all the device's vectors in a row. From that mark on,
 * a state in `opts.accept` (default Ok, Idle) resolves, Alert rejects with the driver's message,
 * and any other (Busy) waits for the next update. Idle rejects all the same when the driver
 * logged an [ERROR] or [WARNING] since the send: the 1.9.9 telescope simulator answers a goto
 * while parked with Idle and "[WARNING] Please unpark the mount...".
 */
export function request(
  ctx: RequestContext,
  device: string,
  name: string,
  values: IndiRequestValues,
  opts: IndiRequestOptions,
): Promise<IndiVector> {
  const what = `request ${device}.${name}`;
  const accept = opts.accept ?? ['Ok', 'Idle'];
  let answered = false;
  /** The vector of the device's last def since the send. */
  let lastDef: string | undefined;
  let said: string | undefined;
  let warned: string | undefined;
  const fail = (state: string, why: string) =>
    new IndiError(`${device}.${name} went ${state}: ${why}`, { device, property: name });
  return ctx.waits.wait<IndiVector>(
    { what, device, property: name },
    opts,
    (e, settle) => {
      if (e.kind === 'message') {
        if (e.device !== device || (e.property !== undefined && e.property !== name)) return;
        said = e.text;
        if (WARNING.test(e.text)) warned = e.text;
        return;
      }
      const v = e.vector;
      if (v.device !== device) return;
      if (e.defined) {
        const pair = lastDef === name && v.name === name;
        lastDef = v.name;
        if (pair) answered = true;
      }
      if (!answered || v.name !== name) return;
      if (v.state === 'Alert') {
        return settle.reject(fail('Alert', v.message ?? said ?? 'no message from the driver'));
      }
      if (!accept.includes(v.state)) return;
      if (v.state === 'Idle' && warned !== undefined) return settle.reject(fail('Idle', warned));
      settle.resolve(v);
    },
    () => {
      ctx.assertStarted(what, device);
      const barrier = getPropertiesXml(device, name);
      ctx.send(
        newVectorXml(ctx.vector(device, name), device, name, values) + barrier + barrier,
        device,
        name,
      );
    },
  );
}

const isConnected = (v: IndiVector) =>
  v.type === 'Switch' && v.state === 'Ok' && v.elements.get('CONNECT')?.value === true;

/** CONNECTION CONNECT=On unless already connected; resolves once Ok with CONNECT On. */
export async function connectDevice(
  ctx: RequestContext,
  device: string,
  opts: IndiWaitOptions,
): Promise<IndiSwitchVector> {
  const until = Date.now() + (opts.timeoutMs ?? DEFAULT_WAIT_MS);
  const left = () => ({ ...opts, timeoutMs: Math.max(1, until - Date.now()) });
  const now = await waitFor(ctx, device, 'CONNECTION', () => true, left());
  if (isConnected(now)) return now as IndiSwitchVector;
  const after = await request(ctx, device, 'CONNECTION', ['CONNECT'], left());
  if (!isConnected(after)) {
    throw new IndiError(`${device}: CONNECTION is ${after.state} with CONNECT Off`, {
      device,
      property: 'CONNECTION',
    });
  }
  return after as IndiSwitchVector;
}

/**
 * A getProperties for the device's CONNECTION, which indiserver forwards to the driver (it
 * keeps no property cache), resolved by the def the driver answers with: the round trip, ms.
 */
export function ping(ctx: RequestContext, device: string, opts: IndiWaitOptions): Promise<number> {
  const what = `ping ${device}`;
  const sentAt = Date.now();
  return ctx.waits.wait<number>(
    { what, device, property: 'CONNECTION' },
    opts,
    (e, settle) => {
      if (e.kind === 'vector' && e.defined && e.vector.device === device && e.vector.name === 'CONNECTION') {
        settle.resolve(Date.now() - sentAt);
      }
    },
    () => {
      ctx.assertStarted(what, device);
      ctx.send(getPropertiesXml(device, 'CONNECTION'), device, 'CONNECTION');
    },
  );
}
