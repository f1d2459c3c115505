import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import app, {
  DASHBOARD_TOKEN_ENV,
  DashboardAgent,
  isLoopbackHost,
} from '../../src/dashboard/dashboard-agent.js';
import { PUBLIC_DIR } from '../../src/dashboard/static-files.js';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, waitFor, writeConfig } from '../helpers.js';
import { within } from '../net-helpers.js';
import { type TempObservatory, tempObservatory } from '../observatory/observatory-fixture.js';
import { type DashboardWorld, dashboardWorld, OWNERS } from './dashboard-fixture.js';

describe('isLoopbackHost', () => {
  it('knows 127.0.0.0/8, ::1 and localhost from the rest', () => {
    for (const h of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      'localhost',
      'LOCALHOST',
      '::ffff:127.0.0.1',
    ]) {
      assert.equal(isLoopbackHost(h), true, h);
    }
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '128.0.0.1', 'example.org', '127.0.0.1.example.org']) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });
});

describe('DashboardAgent', () => {
  let obs: TempObservatory | undefined;
  let agent: DashboardAgent | undefined;
  afterEach(async () => {
    delete process.env[DASHBOARD_TOKEN_ENV];
    agent?.requestShutdown('test cleanup');
    await agent?.stopped;
    agent = undefined;
    obs?.dispose();
  });

  async function start(ini: string): Promise<string> {
    const [port] = (await freePorts(1)) as [number];
    process.env.PYROS_AGENT_CONFIG = writeConfig({ dashboard: { port } });
    Sender.closeAll();
    obs = tempObservatory(`[dashboard]\nport = 0\n${ini}\n`);
    agent = new DashboardAgent(obs.ctx);
    await agent.start();
    assert.ok((agent.httpPort ?? 0) > 0, 'port 0: the bound port is exposed');
    return `http://127.0.0.1:${agent.httpPort}`;
  }

  it('is the built-in app "dashboard"', () => {
    assert.equal(app.name, 'dashboard');
    assert.equal(typeof app.ready, 'function');
  });

  it('serves the page files from the package’s src/dashboard/public/', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    assert.equal(resolve(PUBLIC_DIR), resolve(root, 'src/dashboard/public'));
  });

  it('serves the dashboard on [dashboard] host:port, answers STATUS, and stops on SHUTDOWN', async () => {
    const base = await start('token = from-ini');
    const agents = (await (await fetch(`${base}/api/agents`)).json()) as Array<{
      name: string;
      state: string;
    }>;
    assert.deepEqual(
      agents.map((a) => [a.name, a.state]),
      [['dashboard', 'up']],
    );
    const uplot = await fetch(`${base}/vendor/uplot.iife.min.js`);
    assert.equal(uplot.status, 200);
    assert.match(await uplot.text(), /uPlot/);
    // The token of observatory.ini: a Bearer with it gets past auth (to a 404: no majordome configured).
    assert.equal((await fetch(`${base}/api/majordome/pause`, { method: 'POST' })).status, 401);
    const withToken = await fetch(`${base}/api/majordome/pause`, {
      method: 'POST',
      headers: { authorization: 'Bearer from-ini' },
    });
    assert.equal(withToken.status, 404);

    // An open event stream does not hold the shutdown.
    const stream = await fetch(`${base}/api/events`);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    let ended = false;
    void (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {
        // a reset is an end too
      }
      ended = true;
    })();
    await Sender.sendTo('dashboard', 'SHUTDOWN');
    await within(agent?.stopped as Promise<void>, 3000, 'the dashboard stopping');
    await waitFor(() => ended, 2000, 'the event stream ended');
    await assert.rejects(fetch(`${base}/api/plan`));
    agent = undefined;
  });

  it('takes the token from $PYROS_DASHBOARD_TOKEN when observatory.ini has none', async () => {
    process.env[DASHBOARD_TOKEN_ENV] = 'from-env';
    const base = await start('token =');
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'from-env' }),
    });
    assert.equal(res.status, 204);
  });
});

describe('DashboardAgent among the owners', () => {
  let world: DashboardWorld | undefined;
  let agent: DashboardAgent | undefined;
  afterEach(async () => {
    agent?.requestShutdown('test cleanup');
    await agent?.stopped;
    agent = undefined;
    await world?.stop();
    world = undefined;
  });

  it('asks each owner for its part, and acts under its own name', async () => {
    world = await dashboardWorld({ ini: '[dashboard]\nport = 0\ntoken = t0ken\n' });
    agent = new DashboardAgent(world.obs.ctx);
    await agent.start();
    const base = `http://127.0.0.1:${agent.httpPort}`;
    const state = (await (await fetch(`${base}/api/state`)).json()) as {
      agents: Array<{ name: string; state: string }>;
      plan: { version: number };
      now: { execution: { state: string }; dome: string };
      alerts: unknown[];
      images: unknown[];
    };
    assert.deepEqual(
      state.agents.map((a) => [a.name, a.state]).sort(),
      [...OWNERS, 'dashboard'].map((n) => [n, 'up']).sort(),
    );
    assert.equal(state.plan.version, world.data.plan.version);
    assert.equal(state.now.execution.state, 'observing');
    assert.equal(state.now.dome, 'open');
    assert.equal(state.alerts.length, 2);
    assert.equal(state.images.length, 2);
    // Every read was a message to the owner, from the dashboard.
    for (const [owner, query] of [
      ['scheduler', 'Plan'],
      ['majordome', 'Execution'],
      ['monitoring', 'Weather'],
      ['observation_manager', 'Devices'],
      ['alert_manager', 'Alerts'],
      ['analyzer', 'Analyses'],
    ] as const) {
      assert.equal((await world.peer(owner).waitFor(query)).sender, 'dashboard', `${owner} ${query}`);
    }
    const pause = await fetch(`${base}/api/majordome/pause`, {
      method: 'POST',
      headers: { authorization: 'Bearer t0ken' },
    });
    assert.equal(pause.status, 200);
    const heard = await world.peer('majordome').waitFor('Pause');
    assert.equal(heard.sender, 'dashboard');
    assert.deepEqual(heard.payload, { reason: 'paused from the dashboard' });
  });
});
