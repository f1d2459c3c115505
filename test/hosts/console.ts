import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  checkSchema,
  type MessageContract,
  type PayloadIn,
  type ReplyOut,
} from '../../src/agent/contract.js';
import type { Network } from './netns.js';

const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));

/** The test's hands on a host of the network: the probe process (probe.ts) running there. */
export class Console {
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 0;

  private constructor(private readonly child: ChildProcess) {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const answer = JSON.parse(line) as { id: number; ok: boolean; value?: unknown; error?: string };
      const waiting = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (answer.ok) waiting?.resolve(answer.value);
      else waiting?.reject(new Error(answer.error));
    });
  }

  /** Starts the probe on `host` with the observatory's `config`; resolves once it is ready. */
  static async open(network: Network, host: string, config: string): Promise<Console> {
    const child = network.spawn(host, process.execPath, ['--import', 'tsx', PROBE, config], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the probe exited (${code})`)));
      child.stdout?.once('data', () => resolve());
    });
    return new Console(child);
  }

  #call(command: Record<string, unknown>): Promise<unknown> {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.child.stdin?.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }

  /** Asks an agent a declared message; the reply is checked against the contract. */
  async ask<C extends MessageContract>(
    agent: string,
    contract: C,
    payload?: PayloadIn<C>,
    timeout?: number,
  ): Promise<ReplyOut<C>> {
    const value = await this.#call({ op: 'ask', agent, message: contract.name, payload, timeout });
    const checked = checkSchema(contract.reply, value);
    if (!checked.ok) throw new Error(`${agent} "${contract.name}": reply ${checked.reason}`);
    return checked.value as ReplyOut<C>;
  }

  /** Sends a plain message (SHUTDOWN, STATUS…) and resolves with the reply, if any. */
  request(agent: string, message: string, payload?: unknown): Promise<unknown> {
    return this.#call({ op: 'ask', agent, message, payload, timeout: 1000 });
  }

  /** Publishes a VOEvent to a VTP port; resolves with the answer's role (`ack`, `nak`). */
  async publish(host: string, port: number, xml: string): Promise<string> {
    return (await this.publishTimed(host, port, xml)).role;
  }

  /** The same, with when it was sent (ms, this machine's clock, as the hosts' log lines). */
  publishTimed(host: string, port: number, xml: string): Promise<{ role: string; sentAt: number }> {
    return this.#call({ op: 'publish', host, port, xml }) as Promise<{ role: string; sentAt: number }>;
  }

  /** GETs a URL from the host (the dashboard's API). */
  http(url: string, token?: string): Promise<{ status: number; body: unknown }> {
    return this.#call({ op: 'http', url, token }) as Promise<{ status: number; body: unknown }>;
  }

  close(): void {
    this.child.stdin?.end();
  }
}
