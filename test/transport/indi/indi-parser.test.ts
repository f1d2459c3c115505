// IndiParser on streams written here: every message kind, chunk splits at every byte (a UTF-8
// character split between chunks among them), BLOBs decoded across chunks, the limits (a BLOB or
// a text over its limit costs that message only), malformed XML, sexagesimal numbers, and the
// elements it does not know, which it ignores.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndiInbound } from '../../../src/transport/indi/indi-messages.js';
import { IndiParseError, IndiParser } from '../../../src/transport/indi/indi-parser.js';
import { parseIndiNumber } from '../../../src/transport/indi/indi-values.js';

const STREAM = `<defNumberVector device="Telescope Simulator" name="EQUATORIAL_EOD_COORD" label="Eq. Coordinates" group="Main Control" state="Idle" perm="rw" timeout="60" timestamp="2026-12-01T23:14:11">
    <defNumber name="RA" label="RA (hh:mm:ss)" format="%010.6m" min="0" max="24" step="0">
12:30:00
    </defNumber>
    <defNumber name="DEC" label="DEC (dd:mm:ss)" format="%010.6m" min="-90" max="90" step="0">
-0:30
    </defNumber>
</defNumberVector>
<defSwitchVector device="Telescope Simulator" name="CONNECTION" label="Connection" group="Main Control" state="Idle" perm="rw" rule="OneOfMany" timeout="60">
    <defSwitch name="CONNECT" label="Connect">
Off
    </defSwitch>
    <defSwitch name="DISCONNECT" label="Disconnect">
On
    </defSwitch>
</defSwitchVector>
<defTextVector device="Caméra «Nord»" name="FITS_HEADER" state="Ok" perm="rw">
    <defText name="FITS_OBSERVER" label="Observer">
Ève &amp; Zoë &lt;Observatoire du Pic°&gt; 望遠鏡 🔭
    </defText>
</defTextVector>
<defLightVector device="Weather Simulator" name="WEATHER_STATUS" state="Idle">
    <defLight name="WEATHER_RAIN_HOUR" label="Rain">Alert</defLight>
</defLightVector>
<defBLOBVector device="CCD Simulator" name="CCD1" state="Idle" perm="ro"><defBLOB name="CCD1" label="Image"/></defBLOBVector>
<setNumberVector device="Telescope Simulator" name="EQUATORIAL_EOD_COORD" state="Busy" timeout="60" timestamp="2026-12-01T23:14:12">
    <oneNumber name="RA">
21.958159352271778175
    </oneNumber>
</setNumberVector>
<message device="Telescope Simulator" timestamp="2026-12-01T23:14:13" message="[INFO] Telescope simulator is online."/>
<delProperty device="Telescope Simulator" name="CONNECTION" timestamp="2026-12-01T23:14:14"/>
<delProperty device="Dome Simulator"/>
`;

function parseAll(chunks: ReadonlyArray<Buffer | string>, limits = {}): IndiInbound[] {
  const p = new IndiParser(limits);
  return chunks.flatMap((c) => p.push(c));
}

const plain = (m: IndiInbound) => JSON.parse(JSON.stringify(m, (_k, v) => (v instanceof Map ? [...v] : v)));

test('parses every message kind of a stream into typed messages', () => {
  const out = parseAll([STREAM]);
  assert.deepEqual(
    out.map((m) => m.kind),
    ['define', 'define', 'define', 'define', 'define', 'update', 'message', 'delete', 'delete'],
  );
  const [eod, conn, text, light, blob, set, message, del, delDevice] = out;
  assert.ok(eod?.kind === 'define' && eod.vector.type === 'Number');
  assert.equal(eod.vector.device, 'Telescope Simulator');
  assert.equal(eod.vector.state, 'Idle');
  assert.equal(eod.vector.perm, 'rw');
  assert.equal(eod.vector.timeout, 60);
  assert.equal(eod.vector.group, 'Main Control');
  assert.deepEqual(eod.vector.elements.get('RA'), {
    name: 'RA',
    label: 'RA (hh:mm:ss)',
    value: 12.5,
    format: '%010.6m',
    min: 0,
    max: 24,
    step: 0,
  });
  assert.equal(eod.vector.elements.get('DEC')?.value, -0.5);
  assert.ok(conn?.kind === 'define' && conn.vector.type === 'Switch');
  assert.equal(conn.vector.rule, 'OneOfMany');
  assert.deepEqual(
    [...conn.vector.elements.values()].map((e) => [e.name, e.value]),
    [
      ['CONNECT', false],
      ['DISCONNECT', true],
    ],
  );
  assert.ok(text?.kind === 'define' && text.vector.type === 'Text');
  assert.equal(text.vector.device, 'Caméra «Nord»');
  // Entities decoded, content trimmed as libindi trims it.
  assert.equal(
    text.vector.elements.get('FITS_OBSERVER')?.value,
    'Ève & Zoë <Observatoire du Pic°> 望遠鏡 🔭',
  );
  assert.ok(light?.kind === 'define' && light.vector.type === 'Light');
  assert.equal(light.vector.perm, undefined);
  assert.equal(light.vector.elements.get('WEATHER_RAIN_HOUR')?.value, 'Alert');
  assert.ok(blob?.kind === 'define' && blob.vector.type === 'BLOB');
  assert.deepEqual(blob.vector.elements.get('CCD1'), { name: 'CCD1', label: 'Image' });
  assert.ok(set?.kind === 'update' && set.update.type === 'Number');
  assert.equal(set.update.state, 'Busy');
  assert.equal(set.update.values.get('RA'), 21.958159352271778);
  assert.deepEqual(message, {
    kind: 'message',
    device: 'Telescope Simulator',
    timestamp: '2026-12-01T23:14:13',
    text: '[INFO] Telescope simulator is online.',
  });
  assert.deepEqual(del, {
    kind: 'delete',
    device: 'Telescope Simulator',
    name: 'CONNECTION',
    timestamp: '2026-12-01T23:14:14',
  });
  assert.deepEqual(delDevice, { kind: 'delete', device: 'Dome Simulator' });
});

test('gives the same messages whatever the chunks: split at every byte, and byte by byte', () => {
  const bytes = Buffer.from(STREAM, 'utf8');
  const whole = parseAll([bytes]).map(plain);
  for (let at = 1; at < bytes.length; at++) {
    assert.deepEqual(
      parseAll([bytes.subarray(0, at), bytes.subarray(at)]).map(plain),
      whole,
      `split at ${at}`,
    );
  }
  const singles = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  assert.deepEqual(parseAll(singles).map(plain), whole);
});

function blobStream(data: Buffer, attrs = '', lineLength = 76): string {
  const b64 = data.toString('base64');
  const lines = b64.match(new RegExp(`.{1,${lineLength}}`, 'g')) ?? [];
  return (
    `<setBLOBVector device="CCD Simulator" name="CCD1" state="Ok" timestamp="2026-12-01T23:29:12">\n` +
    `<oneBLOB name="CCD1" size="${data.length}" format=".fits"${attrs}>\n${lines.join('\n')}\n    </oneBLOB>\n` +
    `</setBLOBVector>\n`
  );
}

function blobOf(messages: IndiInbound[]) {
  const m = messages.find((x) => x.kind === 'update');
  assert.ok(m?.kind === 'update' && m.update.type === 'BLOB');
  return m.update.values.get('CCD1');
}

test('decodes a BLOB whose base64 (with line breaks) is split across chunks anywhere', () => {
  const data = Buffer.from(Array.from({ length: 3001 }, (_, i) => (i * 7919) % 256));
  const xml = Buffer.from(blobStream(data, ` len="${data.length}"`));
  for (const at of [1, 150, 151, 152, 153, 200, 1000, 2000, 3000, 4000, xml.length - 30]) {
    const blob = blobOf(parseAll([xml.subarray(0, at), xml.subarray(at)]));
    assert.equal(blob?.format, '.fits');
    assert.equal(blob?.size, data.length);
    assert.ok(blob?.data.equals(data), `split at ${at}`);
  }
  // Padding split from its group, and sizes 1 and 2 mod 3 (one and two '=').
  for (const n of [1, 2, 3, 4, 5]) {
    const small = Buffer.from(blobStream(Buffer.alloc(n, 0xab), '', 1));
    for (let at = 1; at < small.length; at++) {
      assert.ok(
        blobOf(parseAll([small.subarray(0, at), small.subarray(at)]))?.data.equals(Buffer.alloc(n, 0xab)),
      );
    }
  }
});

test('decodes a multi-megabyte BLOB as it streams, in socket-sized chunks', () => {
  const data = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < data.length; i += 4099) data[i] = i % 251;
  const xml = Buffer.from(blobStream(data, '', 1 << 30));
  const p = new IndiParser();
  const out: IndiInbound[] = [];
  for (let i = 0; i < xml.length; i += 65536) out.push(...p.push(xml.subarray(i, i + 65536)));
  assert.ok(blobOf(out)?.data.equals(data));
});

test('drops a BLOB over the limit with a problem naming it, and parses on', () => {
  const limits = { maxBlobBytes: 1000 };
  const next = '<message device="CCD Simulator" message="after"/>';
  // Declared over the limit: refused at once.
  const declared = parseAll([blobStream(Buffer.alloc(1001)), next], limits);
  const problem = declared.find((m) => m.kind === 'problem');
  assert.ok(problem?.kind === 'problem');
  assert.equal(problem.device, 'CCD Simulator');
  assert.equal(problem.property, 'CCD1');
  assert.match(problem.reason, /CCD Simulator\.CCD1\.CCD1/);
  assert.match(problem.reason, /1001/);
  // The vector's update still comes (its state changed), without the BLOB; the stream goes on.
  const update = declared.find((m) => m.kind === 'update');
  assert.ok(update?.kind === 'update' && update.update.type === 'BLOB');
  assert.equal(update.update.values.size, 0);
  assert.equal(declared.at(-1)?.kind, 'message');
  // Declared small but longer in fact: refused as the bytes come.
  const lying = blobStream(Buffer.alloc(5000)).replace('size="5000"', 'size="10"');
  const counted = parseAll([lying, next], limits);
  assert.ok(counted.some((m) => m.kind === 'problem' && m.property === 'CCD1'));
  assert.equal(counted.at(-1)?.kind, 'message');
});

test('drops a BLOB that is not base64, and parses on', () => {
  const bad = blobStream(Buffer.alloc(30)).replace('AAAA', 'AA*A');
  const out = parseAll([bad, '<message message="after"/>']);
  assert.ok(out.some((m) => m.kind === 'problem' && /base64/.test(m.reason)));
  assert.equal(out.at(-1)?.kind, 'message');
});

test('malformed XML throws one line naming what is wrong, and the parser stays failed', () => {
  const p = new IndiParser();
  assert.equal(p.push('<message device="a" message="ok"/>').length, 1);
  const bad =
    '<defTextVector device="a" name="b" state="Idle" perm="ro"><defText name="x">v</defTex></defTextVector>';
  assert.throws(
    () => p.push(bad),
    (err: unknown) => {
      assert.ok(err instanceof IndiParseError);
      assert.doesNotMatch(err.message, /\n/);
      assert.match(err.message, /defTex/);
      return true;
    },
  );
  assert.throws(() => p.push('<message message="later"/>'), IndiParseError);
  for (const junk of ['<a b=c/>', 'plain text between messages<message/>', '<a>&bogus;</a>', '</indi>x']) {
    assert.throws(() => new IndiParser().push(junk), IndiParseError, junk);
  }
});

test('drops an element text over the limit with a problem naming the property, and parses on', () => {
  const long = 'x'.repeat(70 * 1024);
  const xml = `<defTextVector device="d" name="NOTES" state="Idle" perm="rw"><defText name="T">${long}</defText></defTextVector><message message="after"/>`;
  const out = parseAll([xml]);
  assert.deepEqual(
    out.map((m) => m.kind),
    ['problem', 'message'],
  );
  assert.ok(out[0]?.kind === 'problem');
  assert.equal(out[0].device, 'd');
  assert.equal(out[0].property, 'NOTES');
  // Counted in UTF-8 bytes: 3 bytes each, over a 10-byte limit.
  assert.equal(
    parseAll(
      [
        '<defTextVector device="d" name="N" state="Idle" perm="rw"><defText name="T">€€€€</defText></defTextVector>',
      ],
      { maxTextBytes: 10 },
    )[0]?.kind,
    'problem',
  );
});

test('bounds elements per vector, attribute lengths and counts', () => {
  const els = Array.from({ length: 5 }, (_, i) => `<oneNumber name="N${i}">${i}</oneNumber>`).join('');
  const out = parseAll(
    [`<setNumberVector device="d" name="v">${els}</setNumberVector><message message="after"/>`],
    {
      maxElementsPerVector: 4,
    },
  );
  assert.deepEqual(
    out.map((m) => m.kind),
    ['problem', 'message'],
  );
  assert.throws(() => parseAll([`<message message="${'m'.repeat(5000)}"/>`]), IndiParseError);
  assert.throws(() => parseAll([`<message a1="1" a2="2" a3="3"/>`], { maxAttributes: 2 }), IndiParseError);
});

test('reads numbers plain, sexagesimal, and non-finite as drivers print them', () => {
  const cases: Array<[string, number | undefined]> = [
    ['0', 0],
    ['21.958159352271778175', 21.958159352271778],
    ['1e-06', 1e-6],
    ['-3.5', -3.5],
    ['12:30:00', 12.5],
    ['12:30', 12.5],
    ['-12:30:36', -12.51],
    ['-0:30', -0.5],
    ['+5:15', 5.25],
    ['23 59 59.5', 23 + 59 / 60 + 59.5 / 3600],
    ['12;30;00', 12.5],
    [' \n 45:00:00.0 \n', 45],
    ['nan', Number.NaN],
    ['-inf', Number.NEGATIVE_INFINITY],
    ['', undefined],
    ['12h30m', undefined],
    ['1:2:3:4', undefined],
    ['abc', undefined],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseIndiNumber(text), want, JSON.stringify(text));
  const out = parseAll([
    '<defNumberVector device="d" name="v" state="Ok" perm="rw"><defNumber name="n">1:2:3</defNumber></defNumberVector>',
  ]);
  assert.ok(out[0]?.kind === 'define' && out[0].vector.type === 'Number');
  assert.equal(out[0].vector.elements.get('n')?.value, 1 + 2 / 60 + 3 / 3600);
  // A value that is no number costs its message.
  const bad = parseAll([
    '<setNumberVector device="d" name="v"><oneNumber name="n">twelve</oneNumber></setNumberVector>',
  ]);
  assert.equal(bad[0]?.kind, 'problem');
});

test('ignores what it does not know: top-level tags, children, attributes', () => {
  const xml = `<newNumberVector device="d" name="v"><oneNumber name="n">1</oneNumber></newNumberVector>
<someFutureThing a="1"><deep><deeper>text</deeper></deep></someFutureThing>
<defSwitchVector device="d" name="S" state="Ok" perm="rw" rule="AnyOfMany" colour="blue">
  <defSwitch name="A">On</defSwitch><help>not a switch</help><defNumber name="wrong">1</defNumber>
  <defSwitch name="B" hint="x">Off</defSwitch>
</defSwitchVector>
<pingReply uid="p1"/>`;
  const out = parseAll([xml]);
  assert.deepEqual(
    out.map((m) => m.kind),
    ['define', 'pingReply'],
  );
  assert.ok(out[0]?.kind === 'define');
  assert.deepEqual([...out[0].vector.elements.keys()], ['A', 'B']);
});

test('refuses a vector with a bad state, perm or rule, or without a device', () => {
  for (const xml of [
    '<defSwitchVector device="d" name="S" state="Fine" perm="rw" rule="OneOfMany"/>',
    '<defSwitchVector device="d" name="S" state="Ok" perm="xx" rule="OneOfMany"/>',
    '<defSwitchVector device="d" name="S" state="Ok" perm="rw" rule="Some"/>',
    '<defSwitchVector name="S" state="Ok" perm="rw" rule="OneOfMany"/>',
    '<setSwitchVector device="d" name="S"><oneSwitch name="A">Maybe</oneSwitch></setSwitchVector>',
  ]) {
    const [m] = parseAll([xml]);
    assert.equal(m?.kind, 'problem', xml);
  }
});
