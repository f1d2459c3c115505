// Alerts benchmark: the time from an alert's arrival on the VTP port to the telescope's slew
// command, through the whole observatory (alert manager → scheduler → majordome → observation
// manager), with the telescope busy on a routine block each time, so every alert preempts. Run on
// one host (loopback) and, with root, on three hosts in network namespaces, side by side.
// The one-host run is made twice: notices on the VTP port, and through the GCN Kafka source (the
// benchmark standing in for the broker behind the source's consumer interface).
//   node bench/alerts/run.mjs [--quick] [--update-readme] [--only=one|kafka|three] [--devices indi]
// `--devices indi` runs one host on Debian's INDI simulators instead, on the real clock (its own
// table: bench/alerts/indi-host.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SiderealTime } from 'astronomy-engine';
import { machine, mdTable, updateReadme } from '../report.mjs';
import { collect, freePorts, oneHost, threeHosts } from './deployments.mjs';
import { oneHostIndi } from './indi-host.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUICK = process.argv.includes('--quick');
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const INDI =
  process.argv.includes('--devices') && process.argv[process.argv.indexOf('--devices') + 1] === 'indi';
// INDI runs in real time: each alert's observation (a short slew, 1 s, the download) takes seconds.
const ALERTS = INDI ? (QUICK ? 3 : 20) : QUICK ? 10 : 100;
const SPEED = 10;
const START = Date.parse('2026-11-29T19:00:00Z');
const SITE = { lat: 43.7523, lon: 6.9219 };
const SWIFT = readFileSync(
  join(ROOT, 'test/fixtures/voevents/swift_bat_grb_pos_61_GRB120907A_observation.xml'),
  'utf8',
);

/** The real Swift BAT notice as alert `n`, at the zenith of the site at observatory time `t`. */
function alertAt(n, t, site = SITE) {
  const lst = (SiderealTime(new Date(t)) + site.lon / 15 + 24) % 24;
  return SWIFT.replace(
    'ivorn="ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729"',
    `ivorn="ivo://bench/alerts#${n}"`,
  )
    .replace(/<C1>[^<]*<\/C1>/, `<C1>${(lst * 15).toFixed(4)}</C1>`)
    .replace(/<C2>[^<]*<\/C2>/, `<C2>${site.lat}</C2>`)
    .replace(/<ISOTime>[^<]*<\/ISOTime>/, `<ISOTime>${new Date(t).toISOString().replace('Z', '')}</ISOTime>`)
    .replace(
      /name="TrigID" dataType="string" value="[^"]*"/,
      `name="TrigID" dataType="string" value="${800000 + n}"`,
    )
    .replace(/<Name>GRB 120907<\/Name>/, `<Name>BENCH ${n}</Name>`);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Publishes ALERTS+1 alerts, each while a routine block is running, and times each from its
 * sending to the observation manager's slew command (its log line's time: every host runs on this
 * machine's clock). Alert 0 is the night's first, reported apart.
 */
async function measure(deployment) {
  const { lines } = deployment;
  const waitMs = deployment.waitMs ?? 20_000;
  // Looks only at lines not seen yet (from `from` on): rescanning the whole log every
  // millisecond would take CPU from the observatory being measured.
  const waitLine = async (test, ms, what, from = 0) => {
    const until = Date.now() + ms;
    let i = from;
    for (;;) {
      for (; i < lines.length; i++) if (test(lines[i])) return lines[i];
      if (Date.now() > until)
        throw new Error(`bench/alerts (${deployment.name}): no ${what} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  const latencies = [];
  const preempted = [];
  await waitLine(
    (l) => l.agent === 'majordome' && /^started /.test(l.msg),
    deployment.firstBlockMs ?? 30_000,
    'first routine block',
  );
  let seen = 0;
  for (let n = 0; n <= ALERTS; n++) {
    // A routine block is running again (the previous alert's observation has finished).
    await waitLine(
      (l) =>
        l.agent === 'majordome' && /^started (?!BENCH)/.test(l.msg) && l.time > (latencies.at(-1)?.at ?? 0),
      waitMs,
      `routine block before alert ${n}`,
      seen,
    );
    const mark = lines.length;
    seen = mark;
    const { role, sentAt: t0 } = await deployment.publish(alertAt(n, deployment.simNow(), deployment.site));
    if (role !== 'ack') throw new Error(`alert ${n}: ${role}`);
    const slewLine = await waitLine(
      (l) => l.agent === 'observation_manager' && l.msg.startsWith(`slewing to BENCH ${n} `),
      waitMs,
      `slew to alert ${n}`,
      mark,
    );
    // On INDI, the slew command is when the mount took the goto; else the observation manager's line.
    const slew =
      deployment.slewCommandAfter === undefined
        ? slewLine
        : { time: await deployment.slewCommandAfter(slewLine.time - 1, waitMs) };
    // Where the time went: each agent's log line on the way (ms after the alert was sent).
    const after = (agent, test) =>
      lines.find((l) => l.agent === agent && l.time >= t0 && test(l.msg))?.time - t0;
    const steps = {
      recorded: after('alert_manager', (m) => m.includes(`ivo://bench/alerts#${n})`)),
      planned: after('scheduler', (m) => m.includes(`first BENCH ${n} `)),
      preempting: after('majordome', (m) => m.includes(`for alert BENCH ${n}`)),
      slew: slew.time - t0,
      ...(slew === slewLine ? {} : { slewLine: slewLine.time - t0 }),
    };
    latencies.push({ ms: slew.time - t0, at: slew.time, steps });
    preempted.push(
      lines
        .slice(mark)
        .some(
          (l) =>
            l.agent === 'majordome' &&
            l.msg.startsWith('preempting') &&
            l.msg.includes(`for alert BENCH ${n}`),
        ),
    );
    await waitLine(
      (l) => l.agent === 'observation_manager' && new RegExp(`of BENCH ${n} (finished|failed)`).test(l.msg),
      waitMs,
      `end of alert ${n}`,
      mark,
    );
  }
  const first = latencies.shift();
  preempted.shift();
  const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
  return {
    name: deployment.name,
    alerts: sorted.length,
    first: first?.ms,
    preempting: preempted.filter(Boolean).length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
    min: sorted[0],
    latencies: sorted,
    slowest: [...latencies]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((l) => l.steps),
  };
}

async function run(make) {
  const deployment = await make(START, SPEED);
  try {
    return await measure(deployment);
  } catch (err) {
    const tail = deployment.lines.slice(-30).map((l) => `  ${l.agent ?? '-'}: ${l.msg}`);
    process.stderr.write(`${deployment.name}: the observatory's last lines:\n${tail.join('\n')}\n`);
    throw err;
  } finally {
    await deployment.stop();
  }
}

const canNamespaces = process.getuid?.() === 0;
const results = [];
if (INDI) results.push(await run(() => oneHostIndi(freePorts, collect)));
else if (ONLY === undefined || ONLY === 'one') results.push(await run(oneHost));
if (!INDI && (ONLY === undefined || ONLY === 'kafka'))
  results.push(await run((s, v) => oneHost(s, v, 'kafka')));
if (!INDI && (ONLY === undefined || ONLY === 'three')) {
  if (canNamespaces) results.push(await run(threeHosts));
  else process.stderr.write('bench/alerts: three hosts not run: network namespaces need root\n');
}

const m = machine();
const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
const rows = results.map((r) => [
  `pyros-ts, ${r.name}`,
  r.p50,
  r.p99,
  r.max,
  `${r.alerts} alerts, ${r.preempting} preempting; the night's first ${r.first} ms`,
]);
const block = [
  `Measured ${when} UTC${QUICK ? ' (quick run)' : ''} on ${m.nproc} CPUs (${m.cpu}), ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}; each alert sent while a routine block runs, timed to the slew command${INDI ? ' (the INDI mount taking the goto: EQUATORIAL_EOD_COORD Busy)' : ''}.`,
  '',
  ...mdTable(
    ['system', 'alert → slew p50 ms', 'p99 ms', 'max ms', 'notes'],
    [false, true, true, true, false],
    [
      ...rows,
      ...(INDI ? [] : [['target', '', '≤ 50', '', 'from the issues (one host, VTP and Kafka)']]),
      [
        'TAROT (published)',
        '',
        '',
        '',
        'about 5 s from the alert to the start of the exposure, slew included',
      ],
      ['ROTSE (published)', '', '', '', 'about 6 s, slew included'],
    ],
  ),
  '',
  ...(INDI
    ? []
    : results.map(
        (r) => `Status (${r.name}): p99 ${r.p99} ms against ≤ 50 ms: ${r.p99 <= 50 ? 'met' : '**not met**'}.`,
      )),
].join('\n');
process.stdout.write(`${block}\n`);
writeFileSync(
  join(ROOT, 'bench/alerts', `results${INDI ? '-indi' : ''}${QUICK ? '-quick' : ''}.json`),
  `${JSON.stringify(results, null, 2)}\n`,
);
if (process.argv.includes('--update-readme')) {
  const tag = INDI ? 'alerts-indi-bench' : 'alerts-bench';
  const [start, end] = [`<!-- ${tag}:start -->`, `<!-- ${tag}:end -->`];
  updateReadme(join(ROOT, 'bench/README.md'), start, end, `${start}\n${block}\n${end}`);
}
