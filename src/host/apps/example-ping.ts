import { Agent } from '../../agent/agent.js';
import { Sender } from '../../sender/sender.js';
import { defineApp } from '../app.js';

/** Every two seconds: a "Ping" request to example_pong (logging the round trip), then an "Observation finished" notice. */
export class ExamplePing extends Agent {
  private n = 0;

  constructor() {
    super('example_ping');
  }

  protected override work(): void {
    this.every(2000, () => this.round());
  }

  private async round(): Promise<void> {
    const n = ++this.n;
    const t0 = performance.now();
    try {
      const reply = await Sender.request<{ pong: number }>('example_pong', 'Ping', { n }, { timeout: 2000 });
      this.log.info(
        `Ping #${n} answered with pong ${reply.pong} in ${(performance.now() - t0).toFixed(2)} ms`,
      );
      await Sender.sendTo('example_pong', 'Observation finished', { observation: n });
    } catch (err) {
      this.log.warn(`Ping #${n}: ${(err as Error).message}`);
    }
  }
}

export default defineApp({
  name: 'example_ping',
  async ready() {
    await new ExamplePing().start();
  },
});
