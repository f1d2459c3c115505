// bench/alerts --devices indi: the observatory on one host driving Debian's INDI simulators through
// indiserver, on the real clock (INDI runs in real time), at a site where it is night now (local
// midnight, 30° N), with a routine target near the zenith so that every alert preempts a running
// block and the slews stay short. The slew command is timed where INDI sees it: the mount's
// EQUATORIAL_EOD_COORD going Busy, heard by a client of the benchmark's own.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SiderealTime } from 'astronomy-engine';
import { AgentConfig } from '../../dist/config/agent-config.js';
import { Sender } from '../../dist/sender/sender.js';
import { IndiClient } from '../../dist/transport/indi/indi-client.js';
import { publishVoEvent } from '../../dist/transport/vtp/vtp-publisher.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AGENTS = ['alert_manager', 'scheduler', 'majordome', 'observation_manager', 'monitoring', 'analyzer'];
const LAT = 30;
export async function oneHostIndi(freePorts, collect) {
  const { register } = await import('tsx/esm/api');
  register();
  const { IndiServer } = await import('../../test/transport/indi/indi-server.ts');
  const { midnightLongitude, OBSERVATORY_SIMULATORS } = await import(
    '../../test/observatory/e2e/midnight-site.ts'
  );
  const indi = await IndiServer.start({ drivers: OBSERVATORY_SIMULATORS });
  const dir = mkdtempSync(join(tmpdir(), 'pyros-bench-indi-'));
  const lon = midnightLongitude(Date.now());
  const lst = (SiderealTime(new Date()) + lon / 15 + 24) % 24;
  writeFileSync(
    join(dir, 'site.ini'),
    `[site]\nname = midnight\nlatitude = ${LAT}\nlongitude = ${lon}\nheight_m = 100\nhorizon_limit_deg = 20\nsun_limit_deg = -12\nmoon_separation_deg = 0\n`,
  );
  // One routine block (20 min) a few degrees from the zenith, running when each alert comes: an
  // alert preempts it, and it starts again once the alert is observed.
  writeFileSync(
    join(dir, 'routine.json'),
    JSON.stringify({
      requests: [
        {
          id: 'near-zenith',
          targetName: 'near zenith',
          target: { raDeg: (lst * 15 + 4) % 360, decDeg: LAT + 3 },
          priority: 5,
          exposures: [{ filter: 'R', exposureS: 600, count: 2 }],
        },
      ],
    }),
  );
  const ports = await freePorts(AGENTS.length + 1);
  const vtpPort = ports[AGENTS.length];
  writeFileSync(
    join(dir, 'pyros_agent_config.ini'),
    `[DEFAULT]\nip = 127.0.0.1\nobservatory = observatory.ini\n\n${AGENTS.map((a, i) => `[${a}]\nreceive_port = ${ports[i]}\napp = ${a}\n`).join('\n')}`,
  );
  const url = (device) => `indi://127.0.0.1:${indi.port}/${device}`;
  writeFileSync(
    join(dir, 'observatory.ini'),
    [
      `[observatory]\nsite_file = site.ini\ndata_dir = data\nroutine_requests = routine.json\nfield_of_view_deg = 1\n`,
      `[alert_manager]\nexposures = R:1x1\nvtp_port = ${vtpPort}\n`,
      `[telescope]\ndriver = ${url('Telescope Simulator')}\nslew_rate_deg_s = 6\nsettle_s = 0\n`,
      `[dome]\ndriver = ${url('Dome Simulator')}\nopen_s = 6\n`,
      `[camera]\ndriver = ${url('CCD Simulator')}\nreadout_s = 2\n`,
      `[filter_wheel]\ndriver = ${url('Filter Simulator')}\nfilters = R, V, B\nchange_s = 1\n`,
      `[focuser]\ndriver = ${url('Focuser Simulator')}\n`,
      `[weather]\ndriver = ${url('Weather Simulator')}\n`,
      '[monitoring]\nnot_measured = clouds, humidity\npoll_s = 10\ngood_after_s = 0\n',
      '[analyzer]\nworkers = 0\n',
    ].join('\n'),
  );
  const host = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'start'], {
    cwd: dir,
    env: { ...process.env, PYROS_LOG_FORMAT: 'json', PYROS_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  collect(host, lines);
  const config = AgentConfig.load(join(dir, 'pyros_agent_config.ini'));
  for (const agent of AGENTS) {
    while (
      !(await Sender.request(agent, 'Messages', { limit: 1 }, { config, timeout: 1000 }).then(
        () => true,
        () => false,
      ))
    )
      await new Promise((r) => setTimeout(r, 50));
  }
  // The benchmark's own INDI client: it hears the mount take each goto (EOD coordinates Busy).
  const watcher = new IndiClient({
    host: '127.0.0.1',
    port: indi.port,
    log: { warn() {}, info() {}, debug() {} },
  });
  const busyAt = [];
  watcher.on('update', ({ vector, previousState }) => {
    if (
      vector.device === 'Telescope Simulator' &&
      vector.name === 'EQUATORIAL_EOD_COORD' &&
      vector.state === 'Busy' &&
      previousState !== 'Busy'
    )
      busyAt.push(Date.now());
  });
  watcher.start();
  return {
    name: 'one host (loopback), INDI simulators',
    // Alerts go to the zenith of this "site": 20° west of the real one puts them at an hour angle
    // of +20°, off the meridian, where the INDI telescope simulator settles 0.06° off target.
    site: { lat: LAT, lon: lon - 20 },
    lines,
    waitMs: 90_000,
    // On the real clock the plan's first block may be minutes away (the planner's 5-minute steps).
    firstBlockMs: 420_000,
    simNow: () => Date.now(),
    /** When the mount took the first goto sent after `t0` (ms), waiting up to `ms`. */
    async slewCommandAfter(t0, ms) {
      const until = Date.now() + ms;
      for (;;) {
        const at = busyAt.find((t) => t >= t0);
        if (at !== undefined) return at;
        if (Date.now() > until) throw new Error('bench/alerts (INDI): no goto seen by INDI');
        await new Promise((r) => setTimeout(r, 1));
      }
    },
    async publish(xml) {
      const sentAt = Date.now();
      const answer = await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml });
      return { role: answer.role, sentAt };
    },
    async stop() {
      await watcher.close();
      Sender.closeAll();
      host.kill('SIGTERM');
      await new Promise((r) => host.once('exit', r));
      await indi.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
