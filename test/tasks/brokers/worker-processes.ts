import { spawn } from 'node:child_process';
import type { WorkerReport } from './fixtures/reserve-worker.js';

/**
 * Runs `count` child processes of `script` (TypeScript, through tsx) with `target` (a database path
 * or a Redis URL), starts them together once all are ready, and returns their reports.
 */
export async function runWorkerProcesses(
  script: string,
  target: string,
  count: number,
  claimKeys: number,
): Promise<WorkerReport[]> {
  const children = Array.from({ length: count }, (_, i) =>
    spawn(process.execPath, ['--import', 'tsx', script, target, `proc-${i}`, String(claimKeys)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    let onReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
    });
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.startsWith('ready\n')) onReady();
    });
    const exited = new Promise<string>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`worker exited with ${code}`)),
      );
    });
    // A worker that dies before "ready" fails the test instead of hanging it.
    return { ready: Promise.race([ready, exited.then(() => {})]), exited };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const child of children) child.stdin.end('go\n');
  const texts = await Promise.all(outputs.map((o) => o.exited));
  return texts.map((text) => JSON.parse(text.trim().split('\n').at(-1) ?? '') as WorkerReport);
}
