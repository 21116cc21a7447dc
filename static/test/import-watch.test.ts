import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportReport } from '../src/api';
import { LIVE_CHECK_MS, POLL_INTERVAL_MS, watchImport, type ImportFeed } from '../src/views/explore/import-watch';
import type { LiveEvent, LiveStatus } from '../src/live';

/** A live socket stand-in: connected or not, and events pushed by hand. */
function fakeFeed(connected = true, topics = ['enterprises', 'imports']) {
  const events = new Set<(e: LiveEvent) => void>();
  const statuses = new Set<(s: LiveStatus) => void>();
  const feed = {
    connected,
    topics,
    on(type: 'event' | 'status', fn: never) {
      const set = (type === 'event' ? events : statuses) as Set<unknown>;
      set.add(fn);
      return () => set.delete(fn);
    },
    progress(r: ImportReport) {
      for (const fn of [...events]) fn({ id: 0, type: 'import.progress', payload: r });
    },
    drop() {
      feed.connected = false;
      for (const fn of [...statuses]) fn('reconnecting');
    },
    listeners: () => events.size + statuses.size,
  };
  return feed;
}

function report(status: ImportReport['status'], rows: number): ImportReport {
  return { id: 'imp-1', filename: 'a.csv', format: 'csv', status, rows_read: rows, created: rows, updated: 0, unchanged: 0, failed: 0, progress: { rows } };
}

describe('watchImport', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('polls every 500 ms until the import ends, reporting each read', async () => {
    const answers = [report('running', 0), report('running', 1200), report('succeeded', 2500)];
    const read = vi.fn(async () => answers.shift()!);
    const seen: number[] = [];
    const done = watchImport('imp-1', { token: 'tok', read, onUpdate: (r) => seen.push(r.rows_read) });
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(1);
    expect(read).toHaveBeenCalledWith('imp-1', 'tok', undefined);
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS - 1);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(read).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
    const final = await done;
    expect(final.status).toBe('succeeded');
    expect(seen).toEqual([0, 1200, 2500]);
    await vi.advanceTimersByTimeAsync(5 * POLL_INTERVAL_MS);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('ends on a failed import too', async () => {
    const read = vi.fn(async () => ({ ...report('failed', 0), error: 'no sector column' }));
    await expect(watchImport('imp-1', { token: 't', read })).resolves.toMatchObject({ status: 'failed', error: 'no sector column' });
  });

  it('stops when aborted between reads', async () => {
    const read = vi.fn(async () => report('running', 1));
    const ctrl = new AbortController();
    const done = watchImport('imp-1', { token: 't', read, signal: ctrl.signal });
    const caught = done.catch((e: Error) => e.name);
    await vi.advanceTimersByTimeAsync(100);
    ctrl.abort();
    expect(await caught).toBe('AbortError');
    await vi.advanceTimersByTimeAsync(2000);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('rejects when a read fails', async () => {
    const read = vi.fn(async () => {
      throw new Error('gone');
    });
    await expect(watchImport('imp-1', { token: 't', read })).rejects.toThrow('gone');
  });

  it('reads GET /api/imports/{id} with the bearer token by default', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(report('succeeded', 3)), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await watchImport('imp 1', { token: 'secret' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/imports/imp%201');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret');
  });

  it('follows live progress events instead of polling while the socket is connected', async () => {
    const answers = [report('running', 0), report('succeeded', 2500)];
    const read = vi.fn(async () => answers.shift()!);
    const live = fakeFeed();
    const seen: number[] = [];
    const done = watchImport('imp-1', { token: 't', read, live: live as unknown as ImportFeed, onUpdate: (r) => seen.push(r.rows_read) });
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3 * POLL_INTERVAL_MS);
    expect(read).toHaveBeenCalledTimes(1); // no polling
    live.progress({ ...report('running', 800), id: 'imp-other' });
    live.progress(report('running', 1200));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([0, 1200]);
    // The end is announced live; the full report is read once.
    live.progress(report('succeeded', 2500));
    const final = await done;
    expect(final.status).toBe('succeeded');
    expect(read).toHaveBeenCalledTimes(2);
    expect(seen).toEqual([0, 1200, 2500]);
    expect(live.listeners()).toBe(0);
  });

  it('reads the report when no event came for a while (a missed end)', async () => {
    const answers = [report('running', 0), report('succeeded', 10)];
    const read = vi.fn(async () => answers.shift()!);
    const done = watchImport('imp-1', { token: 't', read, live: fakeFeed() as unknown as ImportFeed });
    await vi.advanceTimersByTimeAsync(LIVE_CHECK_MS - 1);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await done).status).toBe('succeeded');
  });

  it('falls back to polling when the socket drops, or was never usable', async () => {
    const answers = [report('running', 0), report('running', 5), report('running', 6), report('succeeded', 7)];
    const read = vi.fn(async () => answers.shift()!);
    const live = fakeFeed();
    const done = watchImport('imp-1', { token: 't', read, live: live as unknown as ImportFeed });
    await vi.advanceTimersByTimeAsync(0);
    live.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2 * POLL_INTERVAL_MS);
    expect((await done).status).toBe('succeeded');
    expect(read).toHaveBeenCalledTimes(4);

    // Connected, but without the imports topic (not an editor's socket): polls.
    const polled = vi.fn(async () => report('running', 1));
    const ctrl = new AbortController();
    const watching = watchImport('imp-2', { token: 't', read: polled, signal: ctrl.signal, live: fakeFeed(true, ['enterprises']) as unknown as ImportFeed });
    const caught = watching.catch((e: Error) => e.name);
    await vi.advanceTimersByTimeAsync(2 * POLL_INTERVAL_MS);
    expect(polled).toHaveBeenCalledTimes(3);
    ctrl.abort();
    expect(await caught).toBe('AbortError');
  });

  it('stops listening when aborted while waiting for events', async () => {
    const live = fakeFeed();
    const ctrl = new AbortController();
    const done = watchImport('imp-1', { token: 't', read: async () => report('running', 1), live: live as unknown as ImportFeed, signal: ctrl.signal });
    const caught = done.catch((e: Error) => e.name);
    await vi.advanceTimersByTimeAsync(100);
    ctrl.abort();
    expect(await caught).toBe('AbortError');
    expect(live.listeners()).toBe(0);
  });
});
