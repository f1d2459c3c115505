// Any notice, whatever its format, to one Notice: the format is told from the text itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NoticeError } from '../../../src/observatory/alerts/notice.js';
import { MAX_NOTICE_BYTES, parseNotice } from '../../../src/observatory/alerts/parse-notice.js';
import { NOTICES } from '../observatory-fixture.js';

const read = (path: string) => readFileSync(join(NOTICES, path), 'utf8');

describe('parseNotice', () => {
  it('tells VOEvent XML, a GCN JSON notice and an IGWN alert apart', () => {
    const voevent = parseNotice(read('svom/mxt/mxt_40.xml'));
    assert.equal(voevent.format, 'voevent');
    assert.equal(voevent.mission, 'SVOM');
    const ep = parseNotice(read('ep/alert/alert_248.json'), {
      topic: 'gcn.notices.einstein_probe.wxt.alert',
    });
    assert.equal(ep.format, 'gcn-json');
    assert.equal(ep.mission, 'EP');
    const igwn = parseNotice(read('igwn/MS181101ab-preliminary.json'));
    assert.equal(igwn.format, 'igwn-json');
    assert.ok((igwn.skyMap?.area90Deg2 ?? 0) > 1);
    const retraction = parseNotice(read('igwn/MS181101ab-retraction.json'));
    assert.equal(retraction.retraction, true);
    // A byte order mark and leading white space do not hide the format.
    assert.equal(parseNotice(`\uFEFF\n  ${read('ep/alert/alert_249.json')}`).format, 'gcn-json');
  });

  it('refuses in one line what is none of them, JSON that is not an object, and a notice over 4 MiB', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /^not a notice: it starts with nothing/],
      ['hello', /^not a notice: it starts with "h"/],
      ['{"a":', /^not JSON: /],
      ['[1, 2]', /^not a notice: it starts with "\["/],
      [`{"x": "${'a'.repeat(MAX_NOTICE_BYTES)}"}`, /^notice of \d+ bytes, over the 4194304-byte limit$/],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parseNotice(text),
        (err: Error) =>
          err instanceof NoticeError && expected.test(err.message) && !err.message.includes('\n'),
        text.slice(0, 20),
      );
    }
  });
});
