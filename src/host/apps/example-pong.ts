import { Agent } from '../../agent/agent.js';
import type { MessageMeta } from '../../agent/message.js';
import { defineApp } from '../app.js';

/** Answers "Ping" requests and logs the "Observation finished" notices it receives. */
export class ExamplePong extends Agent {
  static readonly MSG_PING = 'Ping';
  static readonly MSG_OBS_FINISHED = 'Observation finished';
  private pings = 0;

  constructor() {
    super('example_pong');
    this.actionsByMessage[ExamplePong.MSG_PING] = this.ping;
    this.actionsByMessage[ExamplePong.MSG_OBS_FINISHED] = this.observationFinished;
  }

  ping(payload: { n?: number } | undefined, meta: MessageMeta): { pong: number; from: string } {
    this.pings++;
    return { pong: payload?.n ?? this.pings, from: meta.sender };
  }

  observationFinished(payload: { observation?: number } | undefined, meta: MessageMeta): void {
    this.log.info(`observation #${payload?.observation ?? '?'} finished, says ${meta.sender}`);
  }
}

export default defineApp({
  name: 'example_pong',
  async ready() {
    await new ExamplePong().start();
  },
});
