process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AgentConfig } from '../../src/config/agent-config.js';
import { runHost, selectApps } from '../../src/host/launcher.js';
import { Supervisor } from '../../src/host/supervisor.js';
import { createLogger } from '../../src/logging/logger.js';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, writeConfig } from '../helpers.js';

const fixtures = new URL('../fixtures/apps/', import.meta.url).pathname;

async function ping(name: string, config: AgentConfig, timeout = 2000): Promise<number> {
  const t0 = performance.now();
  await Sender.request(name, 'PING', undefined, { config, timeout });
  return performance.now() - t0;
}

async function up(name: string, config: AgentConfig): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      await ping(name, config, 500);
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Runs the host for one test and always stops it, so that a failed assertion leaves no agent thread behind. */
async function withHost(file: string, body: (config: AgentConfig) => Promise<void>): Promise<number> {
  const config = AgentConfig.load(file);
  const host = runHost({ config: file, graceMs: 2000 });
  try {
    await body(config);
  } catch (err) {
    process.emit('SIGTERM', 'SIGTERM'); // the host's own handler: SHUTDOWN to every agent
    await host;
    throw err;
  } finally {
    Sender.closeAll();
  }
  return host;
}

describe('app host', { timeout: 60_000 }, () => {
  test('a crashed agent is restarted with backoff; SHUTDOWN stops it for good and the host returns 0', async () => {
    const [p1, p2] = await freePorts(2);
    const file = writeConfig({
      crashy: { port: p1 as number, module: `${fixtures}crashy.ts` },
      quick: { port: p2 as number, module: `${fixtures}quick.ts` },
    });
    Sender.configure({ retry: { retries: 2, baseDelayMs: 20 } });
    const code = await withHost(file, async (config) => {
      await up('crashy', config);
      await up('quick', config);
      const before = await Sender.request<{ startedAt: string }>('crashy', 'STATUS', undefined, { config });
      assert.equal(await Sender.request('crashy', 'Crash', undefined, { config }), 'crashing');
      // The other agent keeps serving while crashy is down and restarting.
      await ping('quick', config);
      // Until the restart, STATUS fails (crashy is down) or still shows the old instance (not dead yet).
      const after = await new Promise<{ startedAt: string }>((resolve, reject) => {
        const until = Date.now() + 15_000;
        const poll = () =>
          Sender.request<{ startedAt: string }>('crashy', 'STATUS', undefined, { config, timeout: 500 })
            .then((s) => (s.startedAt !== before.startedAt ? resolve(s) : retry()))
            .catch(retry);
        const retry = () =>
          Date.now() > until ? reject(new Error('crashy never came back')) : setTimeout(poll, 50);
        poll();
      });
      assert.notEqual(after.startedAt, before.startedAt, 'a new agent instance answers after the restart');
      await Sender.sendTo('crashy', 'SHUTDOWN', undefined, { config });
      await Sender.sendTo('quick', 'SHUTDOWN', undefined, { config });
    });
    assert.equal(code, 0);
    await assert.rejects(ping('crashy', AgentConfig.load(file), 300), { code: 'UNREACHABLE' });
    Sender.closeAll();
  });

  test('a CPU-bound handler in one agent does not delay another agent’s ping', async () => {
    const [p1, p2] = await freePorts(2);
    const file = writeConfig({
      busy: { port: p1 as number, module: `${fixtures}busy.ts` },
      quick: { port: p2 as number, module: `${fixtures}quick.ts` },
    });
    const code = await withHost(file, async (config) => {
      await up('busy', config);
      await up('quick', config);
      for (let i = 0; i < 20; i++) await ping('quick', config); // warm
      // One thread per app: while busy's handler holds its thread for 3 s, quick answers each ping
      // at once. Were they sharing a thread, not one ping would be answered before the spin ends.
      // Bounds far from both cases, so that a loaded machine cannot tell them apart wrongly.
      const SPIN_MS = 3000;
      let spun = false;
      const spinning = Sender.request('busy', 'Spin', SPIN_MS, { config, timeout: SPIN_MS + 5000 }).then(
        (r) => {
          spun = true;
          return r;
        },
      );
      await new Promise((r) => setTimeout(r, 100));
      const rtts: number[] = [];
      while (rtts.length < 30) {
        rtts.push(await ping('quick', config));
        assert.equal(spun, false, `ping ${rtts.length} answered while busy still spins`);
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(await spinning, 'done');
      rtts.sort((a, b) => a - b);
      const median = rtts[Math.floor(rtts.length / 2)] as number;
      assert.ok(
        median < SPIN_MS / 10,
        `median ping to the idle agent while the other spins: ${median.toFixed(2)} ms`,
      );
      await Sender.sendTo('busy', 'SHUTDOWN', undefined, { config });
      await Sender.sendTo('quick', 'SHUTDOWN', undefined, { config });
    });
    assert.equal(code, 0);
  });

  test('an app that cannot start is reported once and not restarted; the others run', async () => {
    const [p1, p2] = await freePorts(2);
    const file = writeConfig({
      broken: { port: p1 as number, module: `${fixtures}not-an-app.ts` },
      quick: { port: p2 as number, module: `${fixtures}quick.ts` },
    });
    const code = await withHost(file, async (config) => {
      await up('quick', config);
      await Sender.sendTo('quick', 'SHUTDOWN', undefined, { config });
    });
    assert.equal(code, 1, 'the host reports the failed app in its exit code');
  });

  test('apps named on the command line must exist and name a module', async () => {
    const [p1] = await freePorts(1);
    const file = writeConfig({ peer: { port: p1 as number } });
    await assert.rejects(runHost({ config: file, apps: ['nobody'] }), /unknown agent "nobody"/);
    await assert.rejects(runHost({ config: file, apps: ['peer'] }), /\[peer\].*no module or app key/);
    await assert.rejects(runHost({ config: file }), /no app to start/);
  });

  test('a thread killed by an unhandled rejection says why in its report (even when the value is not an Error)', async () => {
    const [p1] = await freePorts(1);
    const file = writeConfig({ crashy: { port: p1 as number, module: `${fixtures}crashy.ts` } });
    const config = AgentConfig.load(file);
    const supervisor = new Supervisor(selectApps(config, undefined), config.file, createLogger('test-host'));
    const restarting = new Promise<string | undefined>((resolve) =>
      supervisor.on('change', (r) => {
        if (r.state === 'restarting') resolve(r.lastError);
      }),
    );
    const idle = new Promise<void>((r) => supervisor.once('idle', r));
    supervisor.start();
    try {
      await up('crashy', config);
      assert.equal(await Sender.request('crashy', 'CrashQuietly', undefined, { config }), 'crashing');
      assert.equal(await restarting, 'unhandled rejection: no Error here');
    } finally {
      await up('crashy', config);
      void supervisor.stopAll(2000);
      await idle;
      Sender.closeAll();
    }
  });
});
