// Following a running import until it ends. Today this polls
// GET /api/imports/{id}; the live-progress websocket can replace the body of
// watchImport without touching its callers.

import { fetchImport, type ImportReport } from './api';

export const POLL_INTERVAL_MS = 500;

export interface WatchOptions {
  token: string;
  /** Called with every report read, the final one included. */
  onUpdate?: (report: ImportReport) => void;
  signal?: AbortSignal;
  intervalMs?: number;
  /** The report reader; the API by default (tests pass their own). */
  read?: (id: string, token: string, signal?: AbortSignal) => Promise<ImportReport>;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException('aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads the import's report every intervalMs until its status is no longer
 * "running" and resolves with that last report. A failed read rejects (the
 * caller decides whether to watch again); aborting rejects with AbortError.
 */
export async function watchImport(id: string, opts: WatchOptions): Promise<ImportReport> {
  const read = opts.read ?? fetchImport;
  const interval = opts.intervalMs ?? POLL_INTERVAL_MS;
  for (;;) {
    const report = await read(id, opts.token, opts.signal);
    if (opts.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    opts.onUpdate?.(report);
    if (report.status !== 'running') return report;
    await delay(interval, opts.signal);
  }
}
