import { spawn } from 'node:child_process';
import type { WorkerReport } from './fixtures/drain.js';

/**
 * Runs `count` child processes of `script` (TypeScript, through tsx) with `target` (a database path
 * or a Redis URL) and returns their reports. The children follow drain.ts's barrier: all open their
 * broker ("ready"), then all hold a first batch at once ("holding"), then all drain together.
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
    const waiting = new Map<string, () => void>();
    const said = (line: string) =>
      new Promise<void>((resolve) => {
        waiting.set(line, resolve);
      });
    const ready = said('ready');
    const holding = said('holding');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      for (const [line, resolve] of waiting) if (out.split('\n').includes(line)) resolve();
    });
    const exited = new Promise<string>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`worker exited with ${code}`)),
      );
    });
    // A worker that dies before a step fails the test instead of hanging it.
    const step = (p: Promise<void>) => Promise.race([p, exited.then(() => {})]);
    return { ready: step(ready), holding: step(holding), exited };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const child of children) child.stdin.write('go\n');
  await Promise.all(outputs.map((o) => o.holding));
  for (const child of children) child.stdin.end('go\n');
  const texts = await Promise.all(outputs.map((o) => o.exited));
  return texts.map((text) => JSON.parse(text.trim().split('\n').at(-1) ?? '') as WorkerReport);
}
