// "Several computers" on one machine for whole-system tests: one Linux network namespace per host,
// all plugged into a bridge that lives in a namespace of its own (the switch). Every interface is
// created inside those namespaces, so the root namespace gets no interface, address or route, and
// nothing a test starts can bind outside them. Needs root and iproute2's `ip`.
import { type ChildProcess, execFile, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

/** One simulated computer: its namespace and its address on the network's /24. */
export interface NetHost {
  readonly name: string;
  /** The network namespace, for `ip netns exec` / `ip -n`. */
  readonly namespace: string;
  /** IPv4 address of the host's `eth0`, without prefix length. */
  readonly address: string;
}

/** What `spawn` passes through to `child_process.spawn`. */
export type NetSpawnOptions = Pick<SpawnOptions, 'env' | 'cwd' | 'stdio'>;

/** Result of `run`: exit code (null when killed by a signal) and the whole output. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A set of hosts on one switch, created by `createNetwork`. */
export interface Network {
  readonly hosts: readonly NetHost[];
  /** Namespace holding the bridge. */
  readonly switchNamespace: string;
  /** The hosts' network, e.g. `10.37.201.0/24`. */
  readonly subnet: string;
  /** The host called `name`; throws for an unknown name so a typo fails loudly. */
  host(name: string): NetHost;
  /** Runs `command args` inside the host's namespace (`ip netns exec NS command args`). */
  spawn(host: string, command: string, args?: readonly string[], options?: NetSpawnOptions): ChildProcess;
  /** Runs `command args` inside the host's namespace to its end and collects its output. */
  run(host: string, command: string, args?: readonly string[], options?: NetSpawnOptions): Promise<RunResult>;
  /** Kills every process left in the namespaces and deletes them. Idempotent. */
  destroy(): Promise<void>;
}

/** Prefix of every namespace the harness creates, so that leftovers are easy to recognise. */
const PREFIX = 'pyt';

/** Namespaces created and not yet deleted, across all networks: what the exit cleanup removes. */
const live = new Set<string>();
let exitHooked = false;

/**
 * Runs `ip` with the space-separated `args` (every word here is ours: names are validated, so no
 * quoting is needed); on failure rejects with one line naming the command and its stderr.
 */
function ip(args: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args.split(' '), (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      reject(new Error(`ip ${args} failed: ${(stderr || err.message).trim().replace(/\s+/g, ' ')}`));
    });
  });
}

/** PIDs of the processes in a namespace (`ip netns pids` lists them one per line). */
const pidsOf = (out: string) => out.split(/\s+/).filter(Boolean).map(Number);

/** SIGKILL, ignoring processes that are already gone. */
function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already exited
  }
}

/**
 * Synchronous best effort, for process exit and fatal signals where async work cannot run: a
 * failed or interrupted test must not leave namespaces (and their processes) on the machine.
 */
function cleanupSync(): void {
  for (const ns of live) {
    const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pidsOf(pids)) kill(pid);
    spawnSync('ip', ['netns', 'del', ns]);
    live.delete(ns);
  }
}

/**
 * 'exit' does not fire when a signal ends the process (Ctrl-C, a runner's SIGTERM), so signals clean
 * up too. The listener stays installed during the cleanup: removed, a second signal (the test runner
 * forwards its own) would kill us half-way through. When no one else listens, re-raise with the
 * default action restored so the process still ends by the signal, with the usual exit status.
 */
function onSignal(sig: NodeJS.Signals): void {
  cleanupSync();
  if (process.listeners(sig).every((l) => l === onSignal)) {
    process.off(sig, onSignal);
    process.kill(process.pid, sig);
  }
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', cleanupSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
}

async function deleteNamespace(ns: string): Promise<void> {
  // `ip netns del` only unmounts the name: kill first so no process keeps the namespace alive.
  for (const pid of pidsOf(await ip(`netns pids ${ns}`).catch(() => ''))) kill(pid);
  await ip(`netns del ${ns}`);
  live.delete(ns);
}

async function addNamespace(ns: string): Promise<void> {
  await ip(`netns add ${ns}`);
  live.add(ns);
  await ip(`-n ${ns} link set lo up`);
}

/**
 * Builds a network of `hostNames` (letters, digits, `-`), each in its own namespace with `lo` up and
 * `eth0` at 10.A.B.1, .2, ... on a random /24, all connected by a bridge in a switch namespace.
 * Always register `destroy()` with `t.after`/`after`, which run even when the test fails or times
 * out: the exit and signal cleanup is only a safety net, and it cannot help while a process the test
 * left running keeps the event loop, hence the test process, alive.
 */
export async function createNetwork(hostNames: readonly string[]): Promise<Network> {
  if (process.getuid?.() !== 0) throw new Error('network namespace tests need root (CI runs as root)');
  if (hostNames.length === 0 || hostNames.length > 250) throw new Error('createNetwork: 1 to 250 hosts');
  if (new Set(hostNames).size !== hostNames.length) throw new Error('createNetwork: duplicate host name');
  for (const n of hostNames) {
    if (!/^[a-zA-Z0-9-]{1,40}$/.test(n)) throw new Error(`createNetwork: bad host name "${n}"`);
  }
  hookExit();

  // The tag keeps concurrent test files (and leftovers of a killed run) apart. Interface names only
  // have to be unique within their namespace, so they stay short (IFNAMSIZ is 15): br0, p0.., eth0.
  const tag = randomBytes(3).toString('hex');
  const switchNamespace = `${PREFIX}-${tag}-switch`;
  const net = `10.${randomInt(1, 255)}.${randomInt(0, 256)}`;
  const hosts: NetHost[] = hostNames.map((name, i) => ({
    name,
    namespace: `${PREFIX}-${tag}-h-${name}`,
    address: `${net}.${i + 1}`,
  }));
  const children = new Set<ChildProcess>();
  let destroyed: Promise<void> | undefined;

  const destroy = (): Promise<void> => {
    destroyed ??= (async () => {
      // Our own children: wait for their exit so no 'exit' event fires after destroy() resolved
      // (one that failed to spawn has no pid and may never emit 'exit').
      const running = [...children].filter((c) => c.pid && c.exitCode === null && c.signalCode === null);
      const exited = running.map((c) => new Promise((r) => c.once('exit', r)));
      for (const c of running) c.kill('SIGKILL');
      const results = await Promise.allSettled(
        [...hosts.map((h) => h.namespace), switchNamespace].filter((ns) => live.has(ns)).map(deleteNamespace),
      );
      await Promise.all(exited);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return destroyed;
  };

  try {
    const sw = switchNamespace;
    await addNamespace(sw);
    await ip(`-n ${sw} link add br0 type bridge`);
    await ip(`-n ${sw} link set br0 up`);
    for (const [i, h] of hosts.entries()) {
      await addNamespace(h.namespace);
      // Created on the switch side with the peer put straight into the host: never in root.
      await ip(`-n ${sw} link add p${i} type veth peer name eth0 netns ${h.namespace}`);
      await ip(`-n ${sw} link set p${i} master br0 up`);
      await ip(`-n ${h.namespace} addr add ${h.address}/24 dev eth0`);
      await ip(`-n ${h.namespace} link set eth0 up`);
    }
  } catch (err) {
    await destroy().catch(() => {});
    throw err;
  }

  const host = (name: string): NetHost => {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no host "${name}" in this network (${hostNames.join(', ')})`);
    return h;
  };

  const spawnIn: Network['spawn'] = (name, command, args = [], { env, cwd, stdio } = {}) => {
    if (destroyed) throw new Error(`network destroyed: cannot spawn ${command} in "${name}"`);
    // `ip netns exec` setns()es and then execs the command, so the child's pid is the command's.
    const child = spawn('ip', ['netns', 'exec', host(name).namespace, command, ...args], { env, cwd, stdio });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  const run: Network['run'] = (name, command, args = [], options = {}) =>
    new Promise((resolve, reject) => {
      const child = spawnIn(name, command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });

  return { hosts, switchNamespace, subnet: `${net}.0/24`, host, spawn: spawnIn, run, destroy };
}
