import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The page's files (index.html, app.js, style.css). `tsc` copies no non-TS file into dist/, so
 * they are served from the package's `src/dashboard/public/`: the same relative path from
 * `src/dashboard/` and from `dist/dashboard/`.
 */
export const PUBLIC_DIR = fileURLToPath(new URL('../../src/dashboard/public/', import.meta.url));

/** The installed uPlot package's `dist/` folder. */
export function uplotDist(): string {
  return join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
}

/** The vendored files the page loads, by URL: uPlot as shipped by its package. */
const VENDOR: Readonly<Record<string, string>> = {
  '/vendor/uplot.iife.min.js': 'uPlot.iife.min.js',
  '/vendor/uPlot.min.css': 'uPlot.min.css',
};

/**
 * `GET /` (index.html) and every file of `publicDir`, and uPlot under `/vendor/`. A file that is
 * not there falls through to the JSON 404.
 */
export function registerStaticFiles(app: FastifyInstance, publicDir: string): void {
  // Loaded when the server is made ready (listen, inject); sendFile is then on every reply.
  app.register(fastifyStatic, { root: publicDir, prefix: '/', index: ['index.html'], wildcard: true });
  const vendor = uplotDist();
  for (const [url, file] of Object.entries(VENDOR)) {
    app.get(url, (_request, reply) => reply.sendFile(file, vendor));
  }
}
