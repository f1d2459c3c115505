// What every benchmark's report needs: the machine it ran on, markdown tables, and the
// README block between two markers that --update-readme rewrites.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** CPUs, CPU model, RAM, Node and OS, for the "measured on" line. */
export function machine() {
  let nproc;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    nproc = os.availableParallelism();
  }
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux
  }
  return {
    nproc,
    cpu,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/** A markdown table padded as Biome formats it, so that a rewritten README stays lint-clean. */
export function mdTable(header, right, rows) {
  const widths = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => String(r[c]).length)));
  const cell = (text, c) => (right[c] ? String(text).padStart(widths[c]) : String(text).padEnd(widths[c]));
  const line = (cells) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (right[c] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)];
}

/** Replaces what is between `start` and `end` (the markers included) in `readme` with `block`. */
export function updateReadme(readme, start, end, block) {
  const text = readFileSync(readme, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b < a) throw new Error(`${readme} has no ${start} … ${end} block`);
  writeFileSync(readme, text.slice(0, a) + block + text.slice(b + end.length));
}
