// IndiClient against the real indiserver (Debian's indi-bin 1.9.9) and its simulator drivers,
// each test server on a free port: the real stream parsed whatever the chunking, a telescope
// goto (Busy then Ok) and abort, a CCD exposure delivered as a FITS BLOB, a driver's Alert
// carried in the error, ping of a hung driver, a driver restart, indiserver killed mid-stream
// and restarted on the same port, and the silence watch on a hung indiserver.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { IndiClient, type IndiClientOptions } from '../../../src/transport/indi/indi-client.js';
import type { IndiInbound } from '../../../src/transport/indi/indi-messages.js';
import { IndiParser } from '../../../src/transport/indi/indi-parser.js';
import { IndiError, type IndiNumberVector, type IndiState } from '../../../src/transport/indi/indi-types.js';
import { getPropertiesXml } from '../../../src/transport/indi/indi-writer.js';
import { waitFor } from '../../helpers.js';
import { IndiServer } from './indi-server.js';

const TELESCOPE = 'Telescope Simulator';
const CCD = 'CCD Simulator';
const FOCUSER = 'Focuser Simulator';
const WHEEL = 'Filter Simulator';

let shared: IndiServer | undefined;
before(async () => {
  shared = await IndiServer.start({
    drivers: [
      'indi_simulator_telescope',
      'indi_simulator_ccd',
      'indi_simulator_focus',
      'indi_simulator_wheel',
    ],
  });
});
after(async () => {
  await shared?.stop();
});

function server(): IndiServer {
  assert.ok(shared, 'the shared indiserver');
  return shared;
}

async function withClient<T>(
  port: number,
  run: (c: IndiClient) => Promise<T>,
  opts: Partial<IndiClientOptions> = {},
) {
  const c = new IndiClient({ host: '127.0.0.1', port, backoff: { minMs: 50, maxMs: 200 }, ...opts });
  c.start();
  try {
    return await run(c);
  } finally {
    await c.close();
  }
}

const plain = (m: IndiInbound) => JSON.stringify(m, (_k, v) => (v instanceof Map ? [...v] : v));

test('parses the real stream of indiserver the same whatever the chunking', async () => {
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const parser = new IndiParser();
    const missing = new Set([TELESCOPE, CCD, FOCUSER, WHEEL]);
    const socket = connect({ host: '127.0.0.1', port: server().port }, () =>
      socket.write(getPropertiesXml()),
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      for (const m of parser.push(chunk))
        if (m.kind === 'define' && m.vector.name === 'CONFIG_PROCESS') missing.delete(m.vector.device);
      if (missing.size === 0) {
        socket.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.on('error', reject);
  });
  const whole = new IndiParser().push(bytes);
  assert.ok(whole.length > 30, `${whole.length} messages`);
  assert.deepEqual(
    whole.filter((m) => m.kind === 'problem'),
    [],
  );
  const devices = new Set(whole.flatMap((m) => (m.kind === 'define' ? [m.vector.device] : [])));
  for (const d of [TELESCOPE, CCD, FOCUSER, WHEEL]) assert.ok(devices.has(d), d);
  const expected = whole.map(plain);
  let seed = 7;
  for (let round = 0; round < 30; round++) {
    const p = new IndiParser();
    const got: IndiInbound[] = [];
    for (let i = 0; i < bytes.length; ) {
      seed = (seed * 48271) % 2147483647;
      const size = 1 + (seed % (round < 10 ? 7 : 4096));
      got.push(...p.push(bytes.subarray(i, i + size)));
      i += size;
    }
    assert.deepEqual(got.map(plain), expected, `round ${round}`);
  }
});

test('telescope: connect, goto with ON_COORD_SET TRACK goes Busy then Ok; abort; tracking', {}, async () => {
  await withClient(server().port, async (c) => {
    const conn = await c.connectDevice(TELESCOPE, { timeoutMs: 5000 });
    assert.equal(conn.elements.get('CONNECT')?.value, true);
    // The simulator starts pointing at the pole; wait for its first position report.
    const at = (await c.waitFor(TELESCOPE, 'EQUATORIAL_EOD_COORD', (v) => num(v, 'DEC') > 89, {
      timeoutMs: 5000,
    })) as IndiNumberVector;
    assert.equal(c.vector(TELESCOPE, 'EQUATORIAL_COORD'), undefined); // only EOD (JNow) coordinates
    await c.request(TELESCOPE, 'ON_COORD_SET', ['TRACK'], { timeoutMs: 5000 });
    const states: IndiState[] = [];
    const off = c.on('update', ({ vector }) => {
      if (vector.device === TELESCOPE && vector.name === 'EQUATORIAL_EOD_COORD') states.push(vector.state);
    });
    const ra = num(at, 'RA');
    // Another client asks for every property just before: the defs it causes (the vector as it
    // was) must not be taken for the answer to ours.
    const other = await rawClient(server().port);
    other.write(getPropertiesXml(TELESCOPE));
    const done = await c.request(
      TELESCOPE,
      'EQUATORIAL_EOD_COORD',
      { RA: ra, DEC: 88 },
      { timeoutMs: 10_000 },
    );
    off();
    other.destroy();
    assert.equal(done.state, 'Ok');
    assert.ok(Math.abs(num(done, 'DEC') - 88) < 0.01, `DEC ${num(done, 'DEC')}`);
    assert.ok(states.includes('Busy'), states.join(' '));
    assert.equal(states.at(-1), 'Ok');
    assert.ok(states.indexOf('Busy') < states.lastIndexOf('Ok'));
    const target = c.vector(TELESCOPE, 'TARGET_EOD_COORD');
    assert.ok(target && Math.abs(num(target, 'DEC') - 88) < 1e-9);
    // Abort a slew under way: the abort is Ok and the goto ends Idle.
    c.sendNumber(TELESCOPE, 'EQUATORIAL_EOD_COORD', { RA: ra, DEC: 0 });
    await c.waitFor(TELESCOPE, 'EQUATORIAL_EOD_COORD', (v) => v.state === 'Busy', { timeoutMs: 5000 });
    const abort = await c.request(TELESCOPE, 'TELESCOPE_ABORT_MOTION', ['ABORT'], { timeoutMs: 5000 });
    assert.equal(abort.state, 'Ok');
    await c.waitFor(TELESCOPE, 'EQUATORIAL_EOD_COORD', (v) => v.state === 'Idle', { timeoutMs: 5000 });
    // Tracking is Busy for as long as it goes on: such a request accepts Busy as done.
    const tracking = await c.request(TELESCOPE, 'TELESCOPE_TRACK_STATE', ['TRACK_ON'], {
      timeoutMs: 5000,
      accept: ['Busy', 'Ok'],
    });
    assert.equal(tracking.state, 'Busy');
    const stopped = await c.request(TELESCOPE, 'TELESCOPE_TRACK_STATE', ['TRACK_OFF'], { timeoutMs: 5000 });
    assert.equal(stopped.state, 'Idle');
  });
});

function rawClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('data', () => {}); // read and drop, so that indiserver never waits on it
    socket.once('error', reject);
  });
}

function num(v: { elements: ReadonlyMap<string, unknown> }, name: string): number {
  const e = v.elements.get(name) as { value?: unknown } | undefined;
  assert.equal(typeof e?.value, 'number', name);
  return e?.value as number;
}

test('CCD: with enableBLOB Also, a 1 s exposure arrives as a FITS BLOB', async () => {
  await withClient(server().port, async (c) => {
    await c.connectDevice(CCD, { timeoutMs: 5000 });
    c.enableBlob(CCD, 'Also');
    const blob = new Promise<{ format: string; size: number; data: Buffer; vector: string }>((resolve) => {
      const off = c.on('blob', (b) => {
        off();
        resolve(b);
      });
    });
    const exposure = await c.request(CCD, 'CCD_EXPOSURE', { CCD_EXPOSURE_VALUE: 1 }, { timeoutMs: 10_000 });
    assert.equal(exposure.state, 'Ok');
    const b = await blob;
    assert.equal(b.vector, 'CCD1');
    assert.equal(b.format, '.fits');
    assert.equal(b.size, b.data.length);
    assert.equal(b.data.subarray(0, 9).toString('latin1'), 'SIMPLE  =');
    assert.equal(b.data.length % 2880, 0);
    const ccd1 = c.vector(CCD, 'CCD1');
    assert.equal(ccd1?.state, 'Ok');
    assert.deepEqual(ccd1?.elements.get('CCD1'), {
      name: 'CCD1',
      label: 'Image',
      format: '.fits',
      size: b.size,
    });
  });
});

test("a request the driver refuses rejects with the driver's own message", async () => {
  await withClient(server().port, async (c) => {
    const said: string[] = [];
    c.on('message', (m) => {
      if (m.device === FOCUSER || m.device === WHEEL) said.push(m.text);
    });
    await c.connectDevice(FOCUSER, { timeoutMs: 5000 });
    await c.connectDevice(WHEEL, { timeoutMs: 5000 });
    const max = num(await c.waitForVector(FOCUSER, 'FOCUS_MAX'), 'FOCUS_MAX_VALUE');
    const moved = await c.request(
      FOCUSER,
      'ABS_FOCUS_POSITION',
      { FOCUS_ABSOLUTE_POSITION: 50100 },
      { timeoutMs: 5000 },
    );
    assert.equal(num(moved, 'FOCUS_ABSOLUTE_POSITION'), 50100);
    for (const [device, name, values] of [
      [FOCUSER, 'ABS_FOCUS_POSITION', { FOCUS_ABSOLUTE_POSITION: max * 2 }],
      [WHEEL, 'FILTER_SLOT', { FILTER_SLOT_VALUE: 99 }],
    ] as const) {
      await assert.rejects(c.request(device, name, values, { timeoutMs: 5000 }), (err: unknown) => {
        assert.ok(err instanceof IndiError);
        assert.equal(err.device, device);
        assert.equal(err.property, name);
        assert.ok(
          said.length > 0 && err.message.endsWith(said.at(-1) as string),
          `${err.message} | ${said.at(-1)}`,
        );
        return true;
      });
      assert.equal(c.vector(device, name)?.state, 'Alert');
    }
    assert.throws(() => c.sendText(FOCUSER, 'DRIVER_INFO', { DRIVER_NAME: 'x' }), /read-only/);
  });
});

test('ping: the driver answers; a hung driver times out; a restarted one is defined again', {}, async () => {
  const s = await IndiServer.start({ drivers: ['indi_simulator_focus'] });
  try {
    await withClient(s.port, async (c) => {
      await c.waitForVector(FOCUSER, 'CONNECTION');
      assert.ok((await c.ping(FOCUSER, { timeoutMs: 3000 })) >= 0);
      const pid = s.driverPid('indi_simulator_focus');
      assert.ok(pid, 'the driver pid');
      s.signalProcess('SIGSTOP', pid);
      try {
        await assert.rejects(
          c.ping(FOCUSER, { timeoutMs: 300 }),
          /ping Focuser Simulator: nothing within 300 ms/,
        );
        assert.ok(c.connected); // indiserver itself still answers
      } finally {
        s.signalProcess('SIGCONT', pid);
      }
      await c.ping(FOCUSER, { timeoutMs: 3000 });
      // A driver that dies: indiserver deletes its device, restarts it, and it defines again.
      const deleted = new Promise<{ device: string; name?: string }>((r) => c.on('delete', r));
      s.signalProcess('SIGKILL', pid);
      assert.deepEqual(await deleted, { device: FOCUSER });
      await c.waitFor(FOCUSER, 'CONNECTION', () => true, { timeoutMs: 5000 });
      assert.notEqual(s.driverPid('indi_simulator_focus'), pid);
    });
  } finally {
    await s.stop();
  }
});

test('indiserver killed mid-stream: disconnected, cache emptied; restarted on its port: defined again', {}, async () => {
  const s = await IndiServer.start({ drivers: ['indi_simulator_telescope'] });
  try {
    await withClient(s.port, async (c) => {
      const disconnected: string[] = [];
      let connections = 0;
      c.on('disconnected', (d) => disconnected.push(d.reason));
      c.on('connected', () => connections++);
      await c.connectDevice(TELESCOPE, { timeoutMs: 5000 });
      let updates = 0;
      c.on('update', () => updates++);
      await waitFor(() => updates >= 3, 5000, 'the telescope streaming its position');
      const lost = assert.rejects(
        c.waitFor(TELESCOPE, 'EQUATORIAL_EOD_COORD', () => false, { timeoutMs: 10_000 }),
        /disconnected/,
      );
      await s.kill();
      await lost;
      await waitFor(() => disconnected.length >= 1, 3000, 'disconnected');
      assert.equal(c.connected, false);
      assert.deepEqual(c.devices(), []);
      await s.restart();
      const conn = await c.waitForVector(TELESCOPE, 'CONNECTION', { timeoutMs: 10_000 });
      assert.ok(connections >= 2);
      assert.ok(conn.type === 'Switch');
      assert.equal(conn.elements.get('CONNECT')?.value, false); // a new driver: not connected
      await c.connectDevice(TELESCOPE, { timeoutMs: 5000 });
    });
  } finally {
    await s.stop();
  }
});

test('silenceMs: a hung indiserver is dropped, and reconnected once it runs again', async () => {
  const s = await IndiServer.start({ drivers: ['indi_simulator_focus'] });
  try {
    await withClient(
      s.port,
      async (c) => {
        const reasons: string[] = [];
        c.on('disconnected', (d) => reasons.push(d.reason));
        await c.waitForVector(FOCUSER, 'CONNECTION');
        s.signalProcess('SIGSTOP');
        try {
          await waitFor(() => reasons.length >= 1, 5000, 'the silence');
          assert.match(reasons[0] ?? '', /silent for 300 ms/);
        } finally {
          s.signalProcess('SIGCONT');
        }
        await c.waitForVector(FOCUSER, 'CONNECTION', { timeoutMs: 5000 });
      },
      { silenceMs: 300 },
    );
  } finally {
    await s.stop();
  }
});
