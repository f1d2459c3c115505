// A real indiserver (Debian's indi-bin) with simulator drivers, for tests: started on a free port
// of 127.0.0.1 in a process group of its own (so that stop() ends its drivers too), with a HOME
// of its own (the simulators keep config and park data in ~/.indi), and an abstract local socket
// of its own (indiserver's default one, "/tmp/indiserver", lets only one run per machine).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { IndiParser } from '../../../src/transport/indi/indi-parser.js';
import { getPropertiesXml } from '../../../src/transport/indi/indi-writer.js';
import { freePorts, tempDir } from '../../helpers.js';

export const INDISERVER = '/usr/bin/indiserver';

/** The device each simulator driver of indi-bin 1.9.9 defines. */
export const SIMULATOR_DEVICES: Readonly<Record<string, string>> = {
  indi_simulator_telescope: 'Telescope Simulator',
  indi_simulator_ccd: 'CCD Simulator',
  indi_simulator_dome: 'Dome Simulator',
  indi_simulator_wheel: 'Filter Simulator',
  indi_simulator_focus: 'Focuser Simulator',
  indi_simulator_weather: 'Weather Simulator',
  indi_simulator_guide: 'Guide Simulator',
  indi_simulator_gps: 'GPS Simulator',
};

export interface IndiServerOptions {
  /** Driver executables, e.g. ['indi_simulator_telescope']. */
  readonly drivers: readonly string[];
  /** Default: a free port. */
  readonly port?: number;
  /** Devices whose definition start() waits for. Default: those of the known simulators among `drivers`. */
  readonly devices?: readonly string[];
  /** Driver restarts indiserver allows (its -r). Default: indiserver's (10). */
  readonly maxRestarts?: number;
  /** Default 10 000 ms. */
  readonly startTimeoutMs?: number;
}

/** A running indiserver. */
export class IndiServer {
  private exited: Promise<void>;
  private stderr: string[] = [];

  private constructor(
    readonly port: number,
    readonly home: string,
    private readonly opts: IndiServerOptions,
    private child: ChildProcess,
  ) {
    this.exited = this.watch(child);
  }

  /** Starts indiserver and resolves once its port accepts and every device has defined its properties. */
  static async start(opts: IndiServerOptions): Promise<IndiServer> {
    const port = opts.port ?? ((await freePorts(1))[0] as number);
    const home = tempDir('pyros-indi-');
    const server = new IndiServer(port, home, opts, IndiServer.spawn(port, opts, home));
    await server.ready();
    return server;
  }

  private static spawn(port: number, opts: IndiServerOptions, home: string): ChildProcess {
    const args = ['-v', '-p', String(port), '-u', `/tmp/indiserver-pyros-test-${port}`];
    if (opts.maxRestarts !== undefined) args.push('-r', String(opts.maxRestarts));
    return spawn(INDISERVER, [...args, ...opts.drivers], {
      detached: true, // a process group of its own: its drivers are killed with it
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, HOME: home },
    });
  }

  /** The pid of indiserver (its drivers are in its process group). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines indiserver wrote to stderr (-v: connections, drivers), for failure messages. */
  log(): string {
    return this.stderr.join('').split('\n').slice(-30).join('\n');
  }

  private watch(child: ChildProcess): Promise<void> {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.stderr.push(text);
      if (this.stderr.length > 200) this.stderr.splice(0, 100);
    });
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }

  private devices(): readonly string[] {
    return this.opts.devices ?? this.opts.drivers.flatMap((d) => SIMULATOR_DEVICES[d] ?? []);
  }

  /** Resolves once a client sees every device's CONNECTION defined. */
  private async ready(): Promise<void> {
    const until = Date.now() + (this.opts.startTimeoutMs ?? 10_000);
    let last = 'not started';
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`indiserver on port ${this.port} exited: ${this.log()}`);
      }
      try {
        await this.probe(Math.max(100, until - Date.now()));
        return;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      if (Date.now() > until)
        throw new Error(`indiserver on port ${this.port} not ready: ${last}\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private probe(timeoutMs: number): Promise<void> {
    const missing = new Set(this.devices());
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      const parser = new IndiParser();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`devices not defined: ${[...missing].join(', ')}`));
      }, timeoutMs);
      const done = (err?: Error) => {
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve();
      };
      socket.once('connect', () => {
        socket.write(getPropertiesXml());
        if (missing.size === 0) done();
      });
      socket.on('data', (chunk: Buffer) => {
        for (const m of parser.push(chunk)) {
          if (m.kind === 'define' && m.vector.name === 'CONNECTION') missing.delete(m.vector.device);
        }
        if (missing.size === 0) done();
      });
      socket.once('error', (err) => done(err));
      socket.once('close', () => done(new Error('connection closed')));
    });
  }

  /** The pid of a running driver of this indiserver (its child process running `driver`). */
  driverPid(driver: string): number | undefined {
    const parent = this.child.pid;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== parent) continue;
        const argv0 = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '';
        if (argv0 === driver || argv0.endsWith(`/${driver}`)) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
    return undefined;
  }

  /** Sends a signal to one process: a driver (by pid), or indiserver itself (SIGSTOP: it hangs). */
  signalProcess(signal: NodeJS.Signals, pid = this.child.pid): void {
    if (pid !== undefined) process.kill(pid, signal);
  }

  /** Kills indiserver and its drivers at once (SIGKILL to the group), as a crash would. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** Starts indiserver again, same port, drivers and HOME; resolves when ready. */
  async restart(): Promise<void> {
    await this.kill();
    this.child = IndiServer.spawn(this.port, this.opts, this.home);
    this.exited = this.watch(this.child);
    await this.ready();
  }

  /** Stops indiserver and its drivers (SIGTERM to the group, SIGKILL after 2 s), removes its HOME. */
  async stop(): Promise<void> {
    await this.terminate();
    rmSync(this.home, { recursive: true, force: true });
  }

  private async terminate(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.signal('SIGKILL');
    this.signal('SIGTERM');
    this.signal('SIGCONT'); // a stopped (paused) process acts on SIGTERM only once continued
    const timer = setTimeout(() => this.signal('SIGKILL'), 2000);
    await this.exited;
    clearTimeout(timer);
    this.signal('SIGKILL'); // drivers that outlived indiserver
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  }
}
