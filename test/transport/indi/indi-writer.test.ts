// What the client writes: getProperties, new*Vector, enableBLOB, pingRequest; numbers as plain
// decimal that reads back exactly; escaping; and the checks against the vector before a send
// (defined, writable, its own elements, switch rules).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newVectorXml, switchEntries } from '../../../src/transport/indi/indi-commands.js';
import { IndiParser } from '../../../src/transport/indi/indi-parser.js';
import { IndiError, type IndiSwitchVector, type IndiVector } from '../../../src/transport/indi/indi-types.js';
import { formatIndiNumber, parseIndiNumber } from '../../../src/transport/indi/indi-values.js';
import {
  enableBlobXml,
  getPropertiesXml,
  newNumberVectorXml,
  newSwitchVectorXml,
  newTextVectorXml,
  pingRequestXml,
  xmlEscape,
} from '../../../src/transport/indi/indi-writer.js';

test('getProperties always proclaims version 1.7 (a libindi driver exits without it)', () => {
  assert.equal(getPropertiesXml(), '<getProperties version="1.7"/>\n');
  assert.equal(getPropertiesXml('CCD Simulator'), '<getProperties version="1.7" device="CCD Simulator"/>\n');
  assert.equal(
    getPropertiesXml('A&B', 'CONNECTION'),
    '<getProperties version="1.7" device="A&amp;B" name="CONNECTION"/>\n',
  );
  assert.throws(() => getPropertiesXml(undefined, 'CONNECTION'), IndiError);
});

test('enableBLOB and pingRequest', () => {
  assert.equal(
    enableBlobXml('CCD Simulator', 'Also'),
    '<enableBLOB device="CCD Simulator">Also</enableBLOB>\n',
  );
  assert.equal(
    enableBlobXml('CCD', 'Only', 'CCD1'),
    '<enableBLOB device="CCD" name="CCD1">Only</enableBLOB>\n',
  );
  assert.equal(pingRequestXml('p-1'), '<pingRequest uid="p-1"/>\n');
});

test('numbers are plain decimal with the digits that read back to the same double', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [-0, '0'],
    [12.5, '12.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e-7, '0.0000001'],
    [-1.5e-10, '-0.00000000015'],
    [1e21, '1000000000000000000000'],
    [1.2345e22, '12345000000000000000000'],
    [Number.MIN_VALUE, `0.${'0'.repeat(323)}5`],
  ];
  for (const [n, text] of cases) assert.equal(formatIndiNumber(n), text, String(n));
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 2000; i++) {
    const n = (random() - 0.5) * 10 ** Math.floor(random() * 60 - 30);
    const text = formatIndiNumber(n);
    assert.doesNotMatch(text, /e/i);
    assert.equal(Number(text), n, text);
    assert.equal(parseIndiNumber(text), n, text);
  }
  assert.throws(() => formatIndiNumber(Number.NaN), RangeError);
  assert.throws(() => newNumberVectorXml('d', 'v', [['n', Number.POSITIVE_INFINITY]]), IndiError);
});

test('new*Vector messages escape names and values and read back as sent', () => {
  const xml = newTextVectorXml('Caméra', 'FITS_HEADER', [['FITS_OBSERVER', 'Ève & "Zoë" <Pic> \'du\' 🔭']]);
  assert.match(xml, /^<newTextVector device="Caméra" name="FITS_HEADER">/);
  assert.match(xml, /Ève &amp; &quot;Zoë&quot; &lt;Pic&gt; &apos;du&apos; 🔭/);
  assert.equal(
    newSwitchVectorXml('d', 'CONNECTION', [
      ['CONNECT', true],
      ['DISCONNECT', false],
    ]),
    '<newSwitchVector device="d" name="CONNECTION">\n  <oneSwitch name="CONNECT">On</oneSwitch>\n  <oneSwitch name="DISCONNECT">Off</oneSwitch>\n</newSwitchVector>\n',
  );
  assert.match(newNumberVectorXml('d', 'EQ', [['RA', 1e-7]]), /<oneNumber name="RA">0.0000001<\/oneNumber>/);
  // Our own parser reads the same elements back (new*Vector is not a message a server sends, so
  // it is renamed to the set*Vector a driver would answer with).
  const back = new IndiParser().push(xml.replaceAll('newTextVector', 'setTextVector'));
  assert.ok(back[0]?.kind === 'update' && back[0].update.type === 'Text');
  assert.equal(back[0].update.values.get('FITS_OBSERVER'), 'Ève & "Zoë" <Pic> \'du\' 🔭');
  assert.throws(() => xmlEscape('bell\u0007'), IndiError);
  assert.equal(xmlEscape('tab\tand\nline'), 'tab\tand\nline');
});

const now = { definedAt: 0, updatedAt: 0 };
function switchVector(
  rule: IndiSwitchVector['rule'],
  names: string[],
  perm: 'rw' | 'ro' = 'rw',
): IndiSwitchVector {
  return {
    ...now,
    type: 'Switch',
    device: 'd',
    name: 'S',
    state: 'Idle',
    perm,
    rule,
    elements: new Map(names.map((n) => [n, { name: n, value: false }])),
  };
}
const eod: IndiVector = {
  ...now,
  type: 'Number',
  device: 'Telescope Simulator',
  name: 'EQUATORIAL_EOD_COORD',
  state: 'Idle',
  perm: 'rw',
  elements: new Map([
    ['RA', { name: 'RA', value: 0 }],
    ['DEC', { name: 'DEC', value: 0 }],
  ]),
};

test('switches: one On for OneOfMany, all sent for AnyOfMany, rules enforced', () => {
  const one = switchVector('OneOfMany', ['TRACK', 'SLEW', 'SYNC']);
  assert.deepEqual(switchEntries(one, ['SLEW']), [['SLEW', true]]);
  assert.throws(() => switchEntries(one, ['SLEW', 'SYNC']), IndiError);
  assert.throws(() => switchEntries(one, []), IndiError);
  assert.throws(() => switchEntries(one, { SLEW: true, SYNC: true }), IndiError);
  assert.deepEqual(switchEntries(one, { SLEW: true, TRACK: false }), [
    ['SLEW', true],
    ['TRACK', false],
  ]);
  const any = switchVector('AnyOfMany', ['A', 'B', 'C']);
  assert.deepEqual(switchEntries(any, ['A', 'C']), [
    ['A', true],
    ['B', false],
    ['C', true],
  ]);
  const most = switchVector('AtMostOne', ['ABORT']);
  assert.deepEqual(switchEntries(most, ['ABORT']), [['ABORT', true]]);
  assert.deepEqual(switchEntries(most, []), [['ABORT', false]]);
  assert.throws(() => switchEntries(one, ['PARK']), /has no element PARK \(it has TRACK, SLEW, SYNC\)/);
});

test('a send is refused when the vector is undefined, read-only, of another type, or lacks the element', () => {
  const refused = (f: () => unknown, where: RegExp) =>
    assert.throws(f, (err: unknown) => {
      assert.ok(err instanceof IndiError);
      assert.doesNotMatch(err.message, /\n/);
      assert.match(err.message, where);
      return true;
    });
  refused(() => newVectorXml(undefined, 'd', 'NOPE', { x: 1 }), /d\.NOPE is not defined/);
  refused(() => newVectorXml(switchVector('OneOfMany', ['A'], 'ro'), 'd', 'S', ['A']), /read-only/);
  refused(() => newVectorXml(eod, eod.device, eod.name, { RA: 1, ALT: 2 }), /no element ALT/);
  refused(() => newVectorXml(eod, eod.device, eod.name, { RA: 'one' }), /not a number/);
  refused(
    () => newVectorXml(eod, eod.device, eod.name, { RA: 1 }, 'Switch'),
    /is a Number vector, not Switch/,
  );
  refused(() => newVectorXml(eod, eod.device, eod.name, {}), /no values/);
  const xml = newVectorXml(eod, eod.device, eod.name, { RA: 12.5, DEC: -30.25 });
  assert.match(xml, /<oneNumber name="RA">12.5<\/oneNumber>\n {2}<oneNumber name="DEC">-30.25<\/oneNumber>/);
});
