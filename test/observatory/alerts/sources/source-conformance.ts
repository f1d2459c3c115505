// What every alert source must do, whatever brings its notices (docs/alerts.md): hand each over
// byte-exact, acknowledge it upstream only once the sink has resolved, never hand over bytes that
// are not UTF-8, stop cleanly. One suite, run against every source by its own test file.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import pino from 'pino';
import {
  type AlertSource,
  NoticeRefusedError,
  type NoticeSink,
  type ReceivedNotice,
  type SourceContext,
} from '../../../../src/observatory/alerts/sources/alert-source.js';
import { waitFor } from '../../../helpers.js';

/** How the upstream of a source has taken a notice: acknowledged, or refused (a VTP nak, a file in rejected/). */
export type Verdict = 'ack' | 'refused';

/** A source on an upstream of its own (a broker, a folder, a Kafka fake) that the test publishes to. */
export interface SourceWorld {
  readonly source: AlertSource;
  /** Publishes bytes upstream; resolves with the upstream's verdict once the source has answered it. */
  publish(bytes: Uint8Array): Promise<Verdict>;
  close(): Promise<void>;
}

export interface SourceHarness {
  readonly name: string;
  /**
   * What a notice whose recording failed for now becomes: delivered again (a folder, Kafka), or
   * answered upstream as the protocol says (a VTP receiver naks it, a VTP subscriber acks it as
   * Comet does) — the publisher's to send again.
   */
  readonly afterTransientFailure: 'redelivered' | Verdict;
  /** What a notice refused for good becomes upstream. */
  readonly refusedAs: Verdict;
  open(ctx: SourceContext): Promise<SourceWorld>;
}

/** A context for a source under test: a silent log, the real clock. */
export function sourceContext(
  baseDir: string,
  settings: Readonly<Record<string, unknown>> = {},
): SourceContext {
  return {
    log: pino({ level: 'silent' }),
    baseDir,
    settings,
    localIvorn: 'ivo://pyros-ts/test',
    env: {},
    now: Date.now,
  };
}

/** A sink the test drives: it records what it is handed, and answers as told. */
function controlledSink() {
  const received: ReceivedNotice[] = [];
  let answer: (n: ReceivedNotice) => Promise<void> = async () => undefined;
  const sink: NoticeSink = (n) => {
    received.push(n);
    return answer(n);
  };
  return {
    sink,
    received,
    answerWith(f: (n: ReceivedNotice) => Promise<void>) {
      answer = f;
    },
  };
}

/** A notice of `n` bytes-worth of distinct text (a VOEvent: every source carries those). */
function notice(id: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<voe:VOEvent xmlns:voe="http://www.ivoa.net/xml/VOEvent/v2.0" version="2.0" role="observation" ivorn="ivo://pyros-test/conformance#${id}"><Who><Date>2026-12-01T00:00:00</Date></Who><What><Param name="note" value="é ü ✓ ${id}"/></What></voe:VOEvent>\n`;
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** Runs the suite against `harness`, in folders under `tempRoot()`. */
export function sourceConformance(harness: SourceHarness, tempRoot: () => string): void {
  describe(`alert source conformance: ${harness.name}`, { timeout: 30_000 }, () => {
    let world: SourceWorld | undefined;
    afterEach(async () => {
      await world?.close();
      world = undefined;
    });

    async function started() {
      const control = controlledSink();
      world = await harness.open(sourceContext(tempRoot()));
      await world.source.start(control.sink);
      return { ...control, world };
    }

    it('hands each notice over once, byte-exact, labelled; acknowledges it only once the sink has resolved', async () => {
      const { received, answerWith, world: w } = await started();
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => {
        release = r;
      });
      answerWith(() => held);
      let answered = false;
      const verdict = w.publish(bytes(notice('a'))).then((v) => {
        answered = true;
        return v;
      });
      await waitFor(() => received.length === 1, 10_000, 'the notice handed over');
      assert.equal(received[0]?.text, notice('a'), 'byte-exact');
      assert.ok((received[0]?.source ?? '') !== '', 'labelled with where it came from');
      // Still held by the sink: not acknowledged upstream yet.
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(answered, false, 'acknowledged before the sink resolved');
      release();
      assert.equal(await verdict, 'ack');
      assert.equal(received.length, 1, 'handed over once');
      assert.equal(typeof w.source.status().lastNoticeAt, 'number');
    });

    it('a notice the sink refuses for good is answered, and not handed over again', async () => {
      const { received, answerWith, world: w } = await started();
      answerWith(async () => {
        throw new NoticeRefusedError('not a notice');
      });
      assert.equal(await w.publish(bytes(notice('refused'))), harness.refusedAs);
      answerWith(async () => undefined);
      assert.equal(await w.publish(bytes(notice('next'))), 'ack', 'the source goes on');
      assert.deepEqual(
        received.map((n) => n.text),
        [notice('refused'), notice('next')],
      );
    });

    it('bytes that are not UTF-8 never reach the sink', async () => {
      const { received, world: w } = await started();
      const bad = bytes(notice('bad'));
      bad[bad.length - 10] = 0xff;
      assert.equal(await w.publish(bad), 'refused');
      assert.equal(await w.publish(bytes(notice('good'))), 'ack');
      assert.deepEqual(
        received.map((n) => n.text),
        [notice('good')],
      );
    });

    it(`a notice whose recording failed for now is ${harness.afterTransientFailure === 'redelivered' ? 'delivered again' : `answered "${harness.afterTransientFailure}"`}`, async () => {
      const { received, answerWith, world: w } = await started();
      let failures = 1;
      answerWith(async () => {
        if (failures-- > 0) throw new Error('the store is busy');
      });
      const verdict = await w.publish(bytes(notice('busy')));
      if (harness.afterTransientFailure === 'redelivered') {
        assert.equal(verdict, 'ack');
        assert.equal(received.length, 2, 'handed over again after the failure');
        assert.equal(received[1]?.text, notice('busy'));
      } else {
        assert.equal(verdict, harness.afterTransientFailure);
        assert.equal(received.length, 1);
      }
    });

    it('stops cleanly: stopped, and nothing handed over after', async () => {
      const { received, world: w } = await started();
      assert.notEqual(w.source.status().state, 'stopped');
      await w.source.stop();
      assert.equal(w.source.status().state, 'stopped');
      const count = received.length;
      void w.publish(bytes(notice('late'))).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(received.length, count);
    });
  });
}
