// Following a running import until it ends. When the live websocket is
// connected with the imports topic, its import.progress events drive the
// updates (and a read now and then guards against a missed one); otherwise,
// or as soon as the socket drops, GET /api/imports/{id} is polled every
// 500 ms.

import { fetchImport, type ImportReport } from '../../api';
import type { LiveClient, LiveEvent } from '../../live';

export const POLL_INTERVAL_MS = 500;
/** With live events, the report is still read when none came for this long. */
export const LIVE_CHECK_MS = 5000;

/** The part of LiveClient that watchImport uses. */
export type ImportFeed = Pick<LiveClient, 'connected' | 'topics' | 'on'>;

export interface WatchOptions {
  token: string;
  /** Called with every report read, the final one included. */
  onUpdate?: (report: ImportReport) => void;
  signal?: AbortSignal;
  intervalMs?: number;
  /** The report reader; the API by default (tests pass their own). */
  read?: (id: string, token: string, signal?: AbortSignal) => Promise<ImportReport>;
  /** The live websocket, used while it is connected with the imports topic. */
  live?: ImportFeed;
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

/** Whether live events can follow imports now. */
function liveUsable(live?: ImportFeed): live is ImportFeed {
  return Boolean(live?.connected && live.topics.includes('imports'));
}

/**
 * The next progress report of import id from the socket, or null when the
 * socket stopped being usable or nothing came within LIVE_CHECK_MS.
 */
function nextLiveReport(id: string, live: ImportFeed, signal?: AbortSignal): Promise<ImportReport | null> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const done = (fn: () => void) => {
      for (const off of offs) off();
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => done(() => reject(new DOMException('aborted', 'AbortError')));
    const timer = setTimeout(() => done(() => resolve(null)), LIVE_CHECK_MS);
    offs.push(
      live.on('event', (ev: LiveEvent) => {
        const r = ev.payload as ImportReport | undefined;
        if (ev.type === 'import.progress' && r?.id === id) done(() => resolve(r));
      }),
      live.on('status', () => {
        if (!liveUsable(live)) done(() => resolve(null));
      }),
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Follows the import until its status is no longer "running" and resolves
 * with the final report (always read from the API, so it is complete).
 * onUpdate hears every report, from reads and from live events. A failed
 * read rejects (the caller decides whether to watch again); aborting
 * rejects with AbortError.
 */
export async function watchImport(id: string, opts: WatchOptions): Promise<ImportReport> {
  const read = opts.read ?? fetchImport;
  const interval = opts.intervalMs ?? POLL_INTERVAL_MS;
  const check = async () => {
    const report = await read(id, opts.token, opts.signal);
    if (opts.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    opts.onUpdate?.(report);
    return report;
  };
  let report = await check();
  while (report.status === 'running') {
    if (liveUsable(opts.live)) {
      const r = await nextLiveReport(id, opts.live, opts.signal);
      if (r?.status === 'running') {
        opts.onUpdate?.(r);
        continue;
      }
      // Ended, silent for a while, or the socket dropped: read the report.
    } else {
      await delay(interval, opts.signal);
    }
    report = await check();
  }
  return report;
}
