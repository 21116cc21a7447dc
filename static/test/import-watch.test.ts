import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportReport } from '../src/api';
import { POLL_INTERVAL_MS, watchImport } from '../src/import-watch';

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
});
