import type { Logger } from '../../../logging/logger.js';
import { IndiClient } from '../../../transport/indi/indi-client.js';
import type { IndiRequestValues } from '../../../transport/indi/indi-commands.js';
import {
  IndiError,
  type IndiLimits,
  type IndiRequestOptions,
  type IndiVector,
} from '../../../transport/indi/indi-types.js';
import type { Site } from '../../astro/coordinates.js';
import type { Clock } from '../../clock/clock.js';
import type { DeviceLink } from '../device.js';
import { DeviceError } from '../device-error.js';
import type { IndiAddress } from './indi-url.js';

/** What every INDI driver is built from. */
export interface IndiDeviceOptions {
  /** Our name for it (`telescope`): the DeviceError's and the log's. */
  readonly name: string;
  readonly address: IndiAddress;
  readonly clock: Clock;
  readonly site: Site;
  readonly log: Logger;
  /** Silent longer than this (no answer to a ping): down. */
  readonly silenceMs: number;
  /** The longest one command may take. */
  readonly timeoutMs: number;
  readonly limits?: Partial<IndiLimits>;
}

/**
 * One INDI device over its own connection to its server: kept connected (the client reconnects
 * with backoff), the device connected (`CONNECTION`) and told the site (`GEOGRAPHIC_COORD`) and
 * the time (`TIME_UTC`) on every (re)connect, and watched: a ping every third of `silenceMs`, so a
 * driver that stops answering is *down*, not idle. The drivers of each kind build on it.
 */
export class IndiDevice {
  readonly client: IndiClient;
  readonly device: string;
  readonly #o: IndiDeviceOptions;
  #link: DeviceLink = { state: 'connecting', reason: 'not connected yet' };
  #heardAt: number | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #preparing: Promise<void> | undefined;
  #closed = false;
  #pinging = false;
  /** Called once the device is connected and told the site and time (each reconnect). */
  onReady: () => Promise<void> = async () => undefined;

  constructor(o: IndiDeviceOptions) {
    this.#o = o;
    this.device = o.address.device;
    this.client = new IndiClient({
      host: o.address.host,
      port: o.address.port,
      backoff: { minMs: 500, maxMs: 10_000 },
      log: o.log,
      ...(o.limits === undefined ? {} : { limits: o.limits }),
    });
    const heard = (device: string | undefined) => {
      if (device === this.device) this.#heardAt = o.clock.now();
    };
    this.client.on('define', ({ vector }) => heard(vector.device));
    this.client.on('update', ({ vector }) => heard(vector.device));
    this.client.on('connected', () => void this.#prepare());
    this.client.on('disconnected', ({ reason }) => this.#down(`INDI server ${this.where}: ${reason}`));
    this.client.on('delete', ({ device, name }) => {
      if (device === this.device && name === undefined) this.#down(`the driver removed ${this.device}`);
    });
  }

  /** `"Telescope Simulator" on 127.0.0.1:7624`. */
  get where(): string {
    return `${this.#o.address.host}:${this.#o.address.port}`;
  }

  link(): DeviceLink {
    return { ...this.#link, ...(this.#heardAt === undefined ? {} : { heardAt: this.#heardAt }) };
  }

  /**
   * Connects, and waits up to `firstMs` for the device. A server that answers without this device
   * is a configuration mistake: rejects with one line naming the devices it has. A server that
   * does not answer yet is not: the device starts down and comes up when the server does.
   */
  async start(firstMs: number): Promise<void> {
    this.client.start();
    this.#watchdog = setInterval(() => void this.#watch(), Math.max(200, this.#o.silenceMs / 3));
    this.#watchdog.unref();
    try {
      await this.client.waitForVector(this.device, 'CONNECTION', { timeoutMs: firstMs });
    } catch (err) {
      if (this.client.connected) {
        const has = this.client.devices();
        await this.disconnect();
        throw new Error(
          `no device "${this.device}" on the INDI server ${this.where} (it has: ${has.length === 0 ? 'none' : has.map((d) => `"${d}"`).join(', ')})`,
        );
      }
      this.#o.log.warn(
        `${this.#o.name}: INDI server ${this.where} not reachable yet (${(err as Error).message}); retrying`,
      );
      return;
    }
    await this.#preparing;
  }

  async disconnect(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    await this.client.close();
  }

  /** The vector, or a DeviceError: the device does not have it (or is not connected). */
  vector(name: string): IndiVector {
    const v = this.client.vector(this.device, name);
    if (v === undefined)
      throw this.error(
        `no ${name} (${this.link().state === 'up' ? 'the driver lacks it' : this.link().reason})`,
      );
    return v;
  }

  has(name: string): boolean {
    return this.client.vector(this.device, name) !== undefined;
  }

  /** A number element's value, if the vector and element exist. */
  number(name: string, element: string): number | undefined {
    const v = this.client.vector(this.device, name);
    const e = v?.type === 'Number' ? v.elements.get(element) : undefined;
    return e?.value;
  }

  /** Whether a switch element is On. */
  isOn(name: string, element: string): boolean {
    const v = this.client.vector(this.device, name);
    return v?.type === 'Switch' ? v.elements.get(element)?.value === true : false;
  }

  /** Sends and waits until the driver has carried it out; its own words as a DeviceError otherwise. */
  async request(name: string, values: IndiRequestValues, opts: IndiRequestOptions = {}): Promise<IndiVector> {
    try {
      return await this.client.request(this.device, name, values, { timeoutMs: this.#o.timeoutMs, ...opts });
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      throw err instanceof IndiError ? this.error(err.message) : err;
    }
  }

  /** Sends without waiting (an abort); a failure to send is a DeviceError. */
  send(name: string, kind: 'Switch' | 'Number', values: IndiRequestValues): void {
    try {
      if (kind === 'Switch') this.client.sendSwitch(this.device, name, values as readonly string[]);
      else this.client.sendNumber(this.device, name, values as Readonly<Record<string, number>>);
    } catch (err) {
      throw this.error((err as Error).message);
    }
  }

  error(reason: string): DeviceError {
    return new DeviceError(this.#o.name, reason);
  }

  /** Throws unless up: a command to a device that does not answer fails at once, saying why. */
  assertUp(): void {
    const l = this.#link;
    if (l.state !== 'up')
      throw this.error(`${l.state === 'down' ? 'does not answer' : 'not connected'}: ${l.reason}`);
  }

  #down(reason: string): void {
    if (this.#link.state !== 'up' && this.#link.reason === reason) return;
    if (!this.#closed && this.#link.state === 'up') this.#o.log.warn(`${this.#o.name}: down: ${reason}`);
    this.#link = { state: 'down', reason };
  }

  /** Connects the device and tells it the site and time; then the kind's own setup. */
  #prepare(): Promise<void> {
    this.#preparing ??= (async () => {
      const timeoutMs = this.#o.timeoutMs;
      try {
        await this.client.connectDevice(this.device, { timeoutMs });
        // A connected driver defines the rest of its properties after CONNECTION; it handles
        // messages in order, so once it answers a ping, everything it defines is here.
        await this.client.ping(this.device, { timeoutMs });
        await this.#siteAndTime();
        await this.onReady();
        if (this.#link.state !== 'up')
          this.#o.log.info(`${this.#o.name}: "${this.device}" on ${this.where} ready`);
        this.#link = { state: 'up' };
      } catch (err) {
        this.#down(`"${this.device}" on ${this.where}: ${(err as Error).message}`);
      } finally {
        this.#preparing = undefined;
      }
    })();
    return this.#preparing;
  }

  async #siteAndTime(): Promise<void> {
    const { site, clock } = this.#o;
    if (this.has('GEOGRAPHIC_COORD')) {
      const long = ((site.longitudeDeg % 360) + 360) % 360;
      await this.request('GEOGRAPHIC_COORD', { LAT: site.latitudeDeg, LONG: long, ELEV: site.heightM });
    }
    if (this.has('TIME_UTC')) {
      const utc = new Date(clock.now()).toISOString().slice(0, 19);
      await this.request('TIME_UTC', { UTC: utc, OFFSET: '0' });
    }
  }

  /** Each tick: a device up is pinged (silent: down); one down on a live connection is prepared again. */
  async #watch(): Promise<void> {
    if (this.#closed || !this.client.connected || this.#preparing !== undefined || this.#pinging) return;
    if (this.#link.state !== 'up') {
      if (this.client.vector(this.device, 'CONNECTION') !== undefined) await this.#prepare();
      return;
    }
    this.#pinging = true;
    try {
      await this.client.ping(this.device, { timeoutMs: this.#o.silenceMs });
      this.#heardAt = this.#o.clock.now();
    } catch (err) {
      if (!this.#closed && this.client.connected)
        this.#down(
          `no answer from "${this.device}" for ${Math.round(this.#o.silenceMs / 1000)} s (${(err as Error).message})`,
        );
    } finally {
      this.#pinging = false;
    }
  }
}
