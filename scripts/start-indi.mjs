// npm run start:indi: the observatory on INDI. Starts indiserver with Debian's INDI simulators on
// 127.0.0.1:7624 (unless an INDI server already listens there: then that one is used), then
// `pyros start --observatory observatory/observatory-indi.ini` on the real clock, with any further
// arguments passed on. SIGINT/SIGTERM stop pyros; indiserver (and its drivers) stop after it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const INDISERVER = '/usr/bin/indiserver';
const PORT = 7624;
const DRIVERS = [
  'indi_simulator_telescope',
  'indi_simulator_ccd',
  'indi_simulator_dome',
  'indi_simulator_wheel',
  'indi_simulator_focus',
  'indi_simulator_weather',
];
const root = fileURLToPath(new URL('..', import.meta.url));

/** Whether something accepts connections on 127.0.0.1:PORT. */
function listening() {
  return new Promise((resolve) => {
    const socket = connect(PORT, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let indi;
let pyros;
if (await listening()) {
  process.stderr.write(`start:indi: an INDI server already listens on 127.0.0.1:${PORT}: using it\n`);
} else {
  if (!existsSync(INDISERVER)) {
    process.stderr.write(`start:indi: ${INDISERVER} is not installed: apt-get install indi-bin\n`);
    process.exit(1);
  }
  // Its own local socket: indiserver's default one (/tmp/indiserver) lets only one run per machine.
  indi = spawn(INDISERVER, ['-p', String(PORT), '-u', `/tmp/indiserver-pyros-${PORT}`, ...DRIVERS], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  indi.once('exit', (code) => {
    if (pyros === undefined) process.exit(code ?? 1);
  });
  for (let i = 0; !(await listening()); i++) {
    if (i > 100) {
      process.stderr.write(`start:indi: indiserver did not listen on ${PORT} within 10 s\n`);
      process.kill(-indi.pid, 'SIGTERM');
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.stderr.write(`start:indi: indiserver with ${DRIVERS.length} simulators on 127.0.0.1:${PORT}\n`);
}

pyros = spawn(
  process.execPath,
  [
    'dist/cli/main.js',
    'start',
    '--observatory',
    'observatory/observatory-indi.ini',
    ...process.argv.slice(2),
  ],
  // A process group of its own: a Ctrl-C reaches this script alone, which passes it on once (a
  // second SIGINT would make pyros exit at once, without closing and parking).
  { cwd: root, stdio: 'inherit', detached: true },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => pyros.kill(signal));
pyros.once('exit', (code, signal) => {
  if (indi !== undefined) {
    try {
      process.kill(-indi.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  process.exit(code ?? (signal === null ? 1 : 128));
});
