// IndiClient: one INDI server (indiserver), kept connected with backoff, its properties cached,
// its events typed, and the waits a driver built on it needs: a vector defined, a predicate met,
// a request carried out (Busy → Ok/Alert), a device connected, a device answering.
import { createLogger, type Logger } from '../../logging/logger.js';
import { Backoff } from '../vtp/backoff.js';
import { IndiCache } from './indi-cache.js';
import { type IndiRequestValues, type IndiSwitchValues, newVectorXml } from './indi-commands.js';
import { IndiConnection } from './indi-connection.js';
import { TypedEmitter } from './indi-emitter.js';
import { applyInbound, type InboundContext } from './indi-inbound.js';
import { connectDevice, ping, type RequestContext, request, waitFor } from './indi-requests.js';
import {
  DEFAULT_INDI_LIMITS,
  type IndiBlobMode,
  type IndiClientEvents,
  IndiError,
  type IndiLimits,
  type IndiRequestOptions,
  type IndiSwitchVector,
  type IndiVector,
  type IndiWaitOptions,
} from './indi-types.js';
import { IndiWaits } from './indi-waits.js';
import { enableBlobXml, getPropertiesXml } from './indi-writer.js';

/** The logger an IndiClient writes to: pino's, or anything with these three. */
export type IndiLogger = Pick<Logger, 'warn' | 'info' | 'debug'>;

/** Options of {@link IndiClient}. */
export interface IndiClientOptions {
  readonly host: string;
  /** Default 7624, INDI's port. */
  readonly port?: number;
  /** A connection attempt is abandoned after this long (ms). Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Reconnect when nothing arrived for this long (ms); pings in between. Default: never. */
  readonly silenceMs?: number;
  /** Waits between attempts: from minMs (default 500), doubling to maxMs (default 30 000), back to minMs after resetAfterMs (default 30 000) connected. */
  readonly backoff?: { readonly minMs?: number; readonly maxMs?: number; readonly resetAfterMs?: number };
  /** Ask only for these devices' properties (one getProperties each). Default: all devices. */
  readonly devices?: readonly string[];
  readonly limits?: Partial<IndiLimits>;
  readonly log?: IndiLogger;
}

/** A client of one INDI server. Call start(); close() when done. */
export class IndiClient {
  readonly host: string;
  readonly port: number;
  private readonly opts: IndiClientOptions;
  private readonly limits: IndiLimits;
  private readonly log: IndiLogger;
  private readonly backoff: Backoff;
  private readonly cache: IndiCache;
  private readonly waits = new IndiWaits();
  private readonly events: TypedEmitter<IndiClientEvents>;
  /** What indi-requests.ts uses of the client. */
  private readonly context: RequestContext;
  /** What indi-inbound.ts uses of the client. */
  private readonly inbound: InboundContext;
  /** enableBLOB settings to replay on each connection, in the order last set. */
  private readonly blobModes = new Map<string, { device: string; mode: IndiBlobMode; name?: string }>();
  private connection: IndiConnection | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private healthyTimer: NodeJS.Timeout | undefined;
  private started = false;
  private closedConnection: Promise<void> = Promise.resolve();

  constructor(opts: IndiClientOptions) {
    this.opts = opts;
    this.host = opts.host;
    this.port = opts.port ?? 7624;
    this.limits = { ...DEFAULT_INDI_LIMITS, ...opts.limits };
    this.log = opts.log ?? createLogger('indi-client');
    const min = opts.backoff?.minMs ?? 500;
    this.backoff = new Backoff({
      initialMs: min,
      maxMs: Math.max(min, opts.backoff?.maxMs ?? 30_000),
      resetAfterMs: opts.backoff?.resetAfterMs ?? 30_000,
    });
    this.cache = new IndiCache(this.limits);
    this.events = new TypedEmitter((event, err) =>
      this.log.warn(
        `INDI ${this.address}: ${event} listener failed: ${err instanceof Error ? err.message : err}`,
      ),
    );
    this.inbound = {
      cache: this.cache,
      events: this.events,
      waits: this.waits,
      log: this.log,
      address: this.address,
    };
    this.context = {
      waits: this.waits,
      vector: (device, name) => this.vector(device, name),
      send: (xml, device, property) => this.send(xml, device, property),
      assertStarted: (what, device) => this.assertStarted(what, device),
    };
  }

  /** host:port. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** A connection is up (its getProperties sent). */
  get connected(): boolean {
    return this.connection?.isOpen ?? false;
  }

  /** Listens to `event`; returns the function that stops listening. A listener's throw is logged. */
  on<K extends keyof IndiClientEvents>(
    event: K,
    listener: (payload: IndiClientEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  /** Connects, and keeps reconnecting (with backoff) until close(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  /** Ends the connection and every wait; no timer is left. Resolves once the socket closed. */
  async close(): Promise<void> {
    this.started = false;
    clearTimeout(this.retryTimer);
    clearTimeout(this.healthyTimer);
    this.connection?.close('client closed');
    this.waits.endAll('client closed');
    await this.closedConnection;
  }

  /** The devices with at least one vector defined. */
  devices(): string[] {
    return this.cache.devices();
  }

  vector(device: string, name: string): IndiVector | undefined {
    return this.cache.vector(device, name);
  }

  vectors(device: string): IndiVector[] {
    return this.cache.vectors(device);
  }

  private connect(): void {
    let resolveClosed: () => void = () => {};
    this.closedConnection = new Promise((r) => {
      resolveClosed = r;
    });
    this.log.debug(`INDI ${this.address}: connecting`);
    const connection = new IndiConnection({
      host: this.host,
      port: this.port,
      connectTimeoutMs: this.opts.connectTimeoutMs ?? 5000,
      ...(this.opts.silenceMs !== undefined ? { silenceMs: this.opts.silenceMs } : {}),
      limits: this.limits,
      onOpen: () => this.onOpen(connection),
      onMessage: (m) => applyInbound(this.inbound, m),
      onClose: (reason, wasOpen) => {
        this.onClose(connection, reason, wasOpen);
        resolveClosed();
      },
    });
    this.connection = connection;
  }

  private onOpen(connection: IndiConnection): void {
    // getProperties first: indiserver takes a client whose first message names a property (an
    // enableBLOB with a name) for one interested in that property only.
    const devices = this.opts.devices ?? [];
    if (devices.length === 0) connection.write(getPropertiesXml());
    for (const d of devices) connection.write(getPropertiesXml(d));
    for (const b of this.blobModes.values()) connection.write(enableBlobXml(b.device, b.mode, b.name));
    this.healthyTimer = setTimeout(() => this.backoff.reset(), this.backoff.policy.resetAfterMs);
    this.log.info(`INDI ${this.address}: connected`);
    this.events.emit('connected', { address: this.address });
  }

  /**
   * A connection that was up: cache emptied, waits failed, `disconnected`. A failed attempt only
   * logs and retries: waits started before the server is up keep waiting (for their timeout).
   */
  private onClose(connection: IndiConnection, reason: string, wasOpen: boolean): void {
    if (this.connection === connection) this.connection = undefined;
    clearTimeout(this.healthyTimer);
    if (wasOpen) {
      this.cache.clear();
      this.waits.endAll(`disconnected (${reason})`);
      this.events.emit('disconnected', { reason });
    }
    if (!this.started) return;
    const retryInMs = this.backoff.next();
    this.log.warn(`INDI ${this.address}: ${reason}; reconnecting in ${retryInMs} ms`);
    this.retryTimer = setTimeout(() => this.connect(), retryInMs);
  }

  private send(xml: string, device?: string, property?: string): void {
    const c = this.connection;
    if (c === undefined || !c.write(xml)) {
      throw new IndiError(
        `${device ?? 'INDI'}${property ? `.${property}` : ''}: not connected to ${this.address}`,
        {
          ...(device ? { device } : {}),
          ...(property ? { property } : {}),
        },
      );
    }
  }

  /** Sends new values for a Number vector; throws (IndiError) when it is not defined, read-only, or lacks an element. */
  sendNumber(device: string, name: string, values: Readonly<Record<string, number>>): void {
    this.send(newVectorXml(this.vector(device, name), device, name, values, 'Number'), device, name);
  }

  /** Sets switches (see IndiSwitchValues: for OneOfMany, name the one to turn On). */
  sendSwitch(device: string, name: string, on: IndiSwitchValues): void {
    this.send(newVectorXml(this.vector(device, name), device, name, on, 'Switch'), device, name);
  }

  sendText(device: string, name: string, values: Readonly<Record<string, string>>): void {
    this.send(newVectorXml(this.vector(device, name), device, name, values, 'Text'), device, name);
  }

  /**
   * Asks for BLOBs of a device (or of one BLOB property): Never (indiserver's default), Also, or
   * Only. Kept and sent again after every reconnect. N.B. indiserver 1.9.9 applies a setting
   * without `name` to the whole connection, every device alike.
   */
  enableBlob(device: string, mode: IndiBlobMode, name?: string): void {
    const key = `${device}\u0000${name ?? ''}`;
    this.blobModes.delete(key);
    this.blobModes.set(key, { device, mode, ...(name !== undefined ? { name } : {}) });
    if (this.connected) this.send(enableBlobXml(device, mode, name), device, name);
  }

  /** Resolves with the vector once it is defined (at once if it is). */
  waitForVector(device: string, name: string, opts: IndiWaitOptions = {}): Promise<IndiVector> {
    return this.waitFor(device, name, () => true, opts);
  }

  /**
   * Resolves with the first state of the vector (its current one, or a later define/update) for
   * which `predicate` holds. Rejects on timeout, abort, disconnect, close.
   */
  waitFor(
    device: string,
    name: string,
    predicate: (vector: IndiVector) => boolean,
    opts: IndiWaitOptions = {},
  ): Promise<IndiVector> {
    return waitFor(this.context, device, name, predicate, opts);
  }

  /** A wait needs a started client: a closed one would never hear anything. */
  private assertStarted(what: string, device: string): void {
    if (!this.started) throw new IndiError(`${what}: the client is not started`, { device });
  }

  /**
   * Sends `values` (numbers, texts, or switches as for sendSwitch) and waits until the driver has
   * carried them out: resolves with the vector once Ok or Idle (or `opts.accept`), rejects on
   * Alert with the driver's own message, on Idle after an [ERROR]/[WARNING] from it, timeout,
   * abort, disconnect.
   * See indi-requests.ts for how the end of the request is told from older updates.
   */
  request(
    device: string,
    name: string,
    values: IndiRequestValues,
    opts: IndiRequestOptions = {},
  ): Promise<IndiVector> {
    return request(this.context, device, name, values, opts);
  }

  /** Connects a device (CONNECTION CONNECT=On) unless it already is; rejects with the driver's message on Alert. */
  connectDevice(device: string, opts: IndiWaitOptions = {}): Promise<IndiSwitchVector> {
    return connectDevice(this.context, device, opts);
  }

  /**
   * Checks that a device's driver answers (indiserver forwards the getProperties this sends to
   * the driver). Resolves with the round trip in ms; a hung or dead driver makes it time out.
   */
  ping(device: string, opts: IndiWaitOptions = {}): Promise<number> {
    return ping(this.context, device, opts);
  }
}
