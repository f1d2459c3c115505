import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bounded,
  FOLD_WINDOW_MS,
  LOG_BURST,
  LOG_RATE_PER_S,
  LogFolder,
  MAX_LOG_MESSAGE,
  quoted,
} from '../../src/logging/log-guard.js';
import { waitFor } from '../helpers.js';

const WARN = 40;
const INFO = 30;

/** A folder on a clock the test moves, and the summary lines it emits. */
function folder(windowMs = FOLD_WINDOW_MS) {
  let now = 1_000_000;
  const emitted: Array<{ level: number; message: string }> = [];
  const f = new LogFolder(
    (level, message) => emitted.push({ level, message }),
    windowMs,
    () => now,
  );
  return { f, emitted, advance: (ms: number) => (now += ms) };
}

describe('log guard', () => {
  it('bounded() cuts a long message and says how much; quoted() quotes and cuts a name', () => {
    const mib = 'x'.repeat(1 << 20);
    const cut = bounded(mib);
    assert.equal(cut.length, MAX_LOG_MESSAGE + `… (${(1 << 20) - MAX_LOG_MESSAGE} more characters)`.length);
    assert.ok(cut.endsWith(`… (${(1 << 20) - MAX_LOG_MESSAGE} more characters)`));
    assert.equal(bounded('short'), 'short');
    assert.equal(quoted('Ping'), '"Ping"');
    assert.equal(quoted('a"b\nc'), '"a\\"b\\nc"');
    assert.equal(quoted('y'.repeat(500)), JSON.stringify(`${'y'.repeat(80)}…`));
  });

  it('folds repeated warnings (numbers aside), even interleaved, and says how many at the window end', () => {
    const { f, emitted, advance } = folder();
    assert.equal(f.admit(WARN, 'connection from 127.0.0.1:40001 refused: no handshake'), true);
    assert.equal(f.admit(WARN, 'unknown message "x" from peer'), true);
    for (let i = 0; i < 1000; i++) {
      assert.equal(f.admit(WARN, `connection from 127.0.0.1:${40002 + i} refused: no handshake`), false);
      assert.equal(f.admit(WARN, 'unknown message "x" from peer'), false);
    }
    assert.equal(f.admit(WARN, 'something else'), true, 'news is written');
    assert.equal(emitted.length, 0);
    advance(FOLD_WINDOW_MS);
    f.admit(INFO, 'a later line');
    assert.deepEqual(
      emitted.map((e) => e.message),
      [
        `… 1000 more like it in 10 s, the last: connection from 127.0.0.1:${40001 + 1000} refused: no handshake`,
        '… 1000 more like it in 10 s, the last: unknown message "x" from peer',
      ],
    );
    assert.equal(f.admit(WARN, 'unknown message "x" from peer'), true, 'a new window writes it again');
  });

  it('does not fold info lines, but holds every logger to a rate, and says how many it left out', () => {
    const { f, emitted, advance } = folder();
    let written = 0;
    for (let i = 0; i < 10_000; i++) if (f.admit(INFO, `exposure ${i} done`)) written++;
    assert.equal(written, LOG_BURST, 'a burst, then nothing until the bucket refills');
    advance(1000);
    for (let i = 0; i < 10_000; i++) if (f.admit(INFO, `exposure ${i} done`)) written++;
    assert.equal(written, LOG_BURST + LOG_RATE_PER_S);
    f.flush();
    assert.equal(emitted.length, 1);
    assert.match(
      emitted[0]?.message ?? '',
      new RegExp(
        `^… ${20_000 - LOG_BURST - LOG_RATE_PER_S} log lines not written: over ${LOG_RATE_PER_S} lines/s; the first: exposure ${LOG_BURST} done$`,
      ),
    );
  });

  it('the summary of a 1 MiB message is bounded too', () => {
    const { f, emitted } = folder();
    const huge = `unknown text message ${'z'.repeat(1 << 20)}`;
    f.admit(WARN, huge);
    f.admit(WARN, huge);
    f.flush();
    assert.equal(emitted.length, 1);
    assert.ok((emitted[0]?.message.length ?? 0) < MAX_LOG_MESSAGE + 200);
  });

  it('says the folded count by itself when the window ends, with no line after', async () => {
    let now = 0;
    const emitted: string[] = [];
    const f = new LogFolder(
      (_level, message) => emitted.push(message),
      50,
      () => now,
    );
    f.admit(WARN, 'refused 1');
    f.admit(WARN, 'refused 2');
    now = 60;
    await waitFor(() => emitted.length > 0, 2000, 'the summary');
    assert.deepEqual(emitted, ['… 1 more like it in 1 s, the last: refused 2']);
  });
});
