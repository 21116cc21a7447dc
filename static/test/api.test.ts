import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, fetchEnterprise, fetchEnterpriseStats, fetchImportFailures, fetchMe, fetchSectors, uploadImport } from '../src/api';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function stubFetch(res: () => Response) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) => res());
  vi.stubGlobal('fetch', fn);
  return fn;
}

describe('API client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the sector catalogue', async () => {
    const f = stubFetch(() => json({ sectors: [{ code: 'dairy', name_en: 'Dairy', name_bn: 'দুগ্ধ', color: '#80b1d3', sub_sectors: [] }] }));
    expect((await fetchSectors()).sectors[0].code).toBe('dairy');
    expect(f.mock.calls[0][0]).toBe('/api/sectors');
  });

  it('gives null stats when the server has no stats endpoint, and throws on other errors', async () => {
    stubFetch(() => json({ error: { code: 'not_found', message: 'no route' } }, 404));
    expect(await fetchEnterpriseStats()).toBeNull();
    stubFetch(() => json({ error: { code: 'internal', message: 'database away' } }, 503));
    await expect(fetchEnterpriseStats()).rejects.toMatchObject({ status: 503, message: 'database away' });
  });

  it('escapes enterprise ids in the path', async () => {
    const f = stubFetch(() => json({ id: 'a/b' }));
    await fetchEnterprise('a/b');
    expect(f.mock.calls[0][0]).toBe('/api/enterprises/a%2Fb');
  });

  it('sends the token as a bearer token to /api/me and reports 401', async () => {
    const f = stubFetch(() => json({ error: { code: 'unauthorized', message: 'invalid token' } }, 401));
    const err = await fetchMe('tok').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized', message: 'invalid token' });
    expect((f.mock.calls[0][1]!.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });

  it('fetches the failed rows with the token', async () => {
    const f = stubFetch(() => new Response('row,reason\n3,unknown sector\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }));
    const blob = await fetchImportFailures('imp-1', 'tok');
    expect(await blob.text()).toContain('unknown sector');
    expect(f.mock.calls[0][0]).toBe('/api/imports/imp-1/failures.csv');
    expect((f.mock.calls[0][1]!.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });
});

/** A scripted XMLHttpRequest: records the request, replays progress and an answer. */
class FakeXHR {
  static last: FakeXHR;
  static answer: { status: number; body: string; progress?: [number, number][] } = { status: 202, body: '{}' };
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  statusText = '';
  responseText = '';
  private listeners = new Map<string, ((e: any) => void)[]>();
  upload = {
    listeners: [] as ((e: any) => void)[],
    addEventListener(_type: string, fn: (e: any) => void) {
      this.listeners.push(fn);
    },
  };
  constructor() {
    FakeXHR.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  addEventListener(type: string, fn: (e: any) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  abort() {
    for (const fn of this.listeners.get('abort') ?? []) fn({});
  }
  send(body: FormData) {
    this.body = body;
    const a = FakeXHR.answer;
    queueMicrotask(() => {
      for (const [loaded, total] of a.progress ?? []) for (const fn of this.upload.listeners) fn({ lengthComputable: true, loaded, total });
      this.status = a.status;
      this.responseText = a.body;
      for (const fn of this.listeners.get('load') ?? []) fn({});
    });
  }
}

describe('uploadImport', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts file and mapping as multipart with the token, reporting bytes sent', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXHR);
    FakeXHR.answer = { status: 202, body: JSON.stringify({ id: 'imp-1', status: 'running' }), progress: [[50, 100], [100, 100]] };
    const file = new File(['id,name\n1,A\n'], 'survey.csv', { type: 'text/csv' });
    const mapping = new File(['{"name":"name"}'], 'mapping.json', { type: 'application/json' });
    const progress: number[] = [];
    const accepted = await uploadImport(file, { token: 'tok', mapping, onProgress: (sent, total) => progress.push(sent / total) });
    expect(accepted).toMatchObject({ id: 'imp-1', status: 'running' });
    const xhr = FakeXHR.last;
    expect([xhr.method, xhr.url]).toEqual(['POST', '/api/imports']);
    expect(xhr.headers.Authorization).toBe('Bearer tok');
    expect((xhr.body!.get('file') as File).name).toBe('survey.csv');
    expect((xhr.body!.get('mapping') as File).name).toBe('mapping.json');
    expect(progress).toEqual([0.5, 1]);
  });

  it('omits the mapping field without a mapping', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXHR);
    FakeXHR.answer = { status: 202, body: '{"id":"imp-2","status":"running"}' };
    await uploadImport(new File(['x'], 'a.csv'), { token: 't' });
    expect(FakeXHR.last.body!.has('mapping')).toBe(false);
  });

  it.each([
    [413, '{"error":{"code":"too_large","message":"file exceeds 64 MB"}}', 'too_large', 'file exceeds 64 MB'],
    [400, '{"error":{"code":"invalid","message":"unknown format .txt"}}', 'invalid', 'unknown format .txt'],
    [502, '<html>bad gateway</html>', 'http_502', 'HTTP 502'],
  ])('rejects a %i with the server’s message', async (status, body, code, message) => {
    vi.stubGlobal('XMLHttpRequest', FakeXHR);
    FakeXHR.answer = { status, body };
    await expect(uploadImport(new File(['x'], 'a.csv'), { token: 't' })).rejects.toMatchObject({ status, code, message });
  });
});
