import type { Logger } from '../logging/logger.js';

/**
 * SIGINT/SIGTERM in a script act as SHUTDOWN, bounded: a handler that never returns would hold the
 * shutdown barrier forever, so after `graceMs` (or at a second signal) the process exits 1.
 * `shutdown` returns false when a shutdown is already under way. Returns the uninstaller.
 */
export function shutdownOnSignals(opts: {
  log: Logger;
  graceMs: number;
  shutdown: (signal: NodeJS.Signals) => boolean;
}): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (!opts.shutdown(signal)) {
      opts.log.error(`${signal} again while shutting down: exiting now`);
      process.exit(1);
    }
    setTimeout(() => {
      opts.log.error(
        `shutdown not finished ${opts.graceMs} ms after ${signal} (a handler is still running): exiting`,
      );
      process.exit(1);
    }, opts.graceMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
