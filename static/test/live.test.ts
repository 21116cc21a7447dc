import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, LiveClient, MAX_BACKOFF_MS, MIN_BACKOFF_MS, OFFLINE_AFTER, socketURL, type LiveEvent, type SocketLike } from '../src/live';

/** A WebSocket stand-in the test opens, feeds and closes by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  sent: Record<string, unknown>[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent);
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 } as CloseEvent);
  }
}

function setup(opts: { online?: () => boolean; token?: () => string | null } = {}) {
  const sockets: FakeSocket[] = [];
  const client = new LiveClient({
    url: () => socketURL({ protocol: 'http:', host: 'map.test' }, opts.token?.() ?? null),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    random: () => 0.5, // jitter factor 0.75
    online: opts.online ?? (() => true),
  });
  const events: LiveEvent[] = [];
  const resets: string[] = [];
  const statuses: string[] = [];
  client.on('event', (e) => events.push(e));
  client.on('reset', (r) => resets.push(r));
  client.on('status', (s) => statuses.push(s));
  return { client, sockets, events, resets, statuses, last: () => sockets[sockets.length - 1] };
}

const changed = (id: number) => ({ type: 'event', event: { id, type: 'enterprises.changed', payload: { action: 'created', count: 1, ids: ['e' + id] } } });

describe('backoffDelay', () => {
  it('doubles from 500 ms up to 10 s, with jitter between half and all of it', () => {
    expect(backoffDelay(0, () => 0)).toBe(MIN_BACKOFF_MS / 2);
    expect(backoffDelay(0, () => 0.999999)).toBe(MIN_BACKOFF_MS);
    expect(backoffDelay(1, () => 0.999999)).toBe(2 * MIN_BACKOFF_MS);
    expect(backoffDelay(3, () => 0.999999)).toBe(8 * MIN_BACKOFF_MS);
    expect(backoffDelay(10, () => 0.999999)).toBe(MAX_BACKOFF_MS);
    expect(backoffDelay(50, () => 0)).toBe(MAX_BACKOFF_MS / 2);
  });
});

describe('socketURL', () => {
  it('uses ws or wss on the page’s host and carries the token as ?token=', () => {
    expect(socketURL({ protocol: 'http:', host: 'localhost:8080' }, null)).toBe('ws://localhost:8080/ws');
    expect(socketURL({ protocol: 'https:', host: 'guccho.org' }, 'a b&c')).toBe('wss://guccho.org/ws?token=a%20b%26c');
  });
});

describe('LiveClient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('subscribes on open with topics, bbox, sectors and last_event_id 0, and reports connected', () => {
    const t = setup();
    t.client.subscribe({ topics: ['enterprises', 'admin'], bbox: [90, 23, 91, 24], sectors: ['dairy'] });
    t.client.start();
    expect(t.client.status).toBe('connecting');
    expect(t.last().url).toBe('ws://map.test/ws');
    t.last().open();
    expect(t.last().sent).toEqual([{ type: 'subscribe', topics: ['enterprises', 'admin'], bbox: [90, 23, 91, 24], sectors: ['dairy'], last_event_id: 0 }]);
    t.last().receive({ type: 'subscribed', last_event_id: 41, topics: ['enterprises', 'admin'] });
    expect(t.client.status).toBe('connected');
    expect(t.client.lastEventID).toBe(41);
    expect(t.client.topics).toEqual(['enterprises', 'admin']);
  });

  it('leaves out sectors for all sectors, and resends the filter without last_event_id when it changes', () => {
    const t = setup();
    t.client.subscribe({ topics: ['enterprises'], sectors: null });
    t.client.start();
    t.last().open();
    expect(t.last().sent[0]).toEqual({ type: 'subscribe', topics: ['enterprises'], last_event_id: 0 });
    t.client.subscribe({ topics: ['enterprises'], bbox: [1, 2, 3, 4], sectors: [] });
    expect(t.last().sent[1]).toEqual({ type: 'subscribe', topics: ['enterprises'], bbox: [1, 2, 3, 4], sectors: [] });
  });

  it('hands events on, remembers the highest id and skips ids already seen', () => {
    const t = setup();
    t.client.start();
    t.last().open();
    t.last().receive({ type: 'subscribed', last_event_id: 5 });
    t.last().receive(changed(6));
    t.last().receive(changed(6));
    t.last().receive(changed(4));
    t.last().receive({ type: 'event', event: { id: 0, type: 'import.progress', payload: { id: 'imp-1', rows_read: 10 } } });
    t.last().receive('not json at all');
    expect(t.events.map((e) => [e.id, e.type])).toEqual([
      [6, 'enterprises.changed'],
      [0, 'import.progress'],
    ]);
    expect(t.client.lastEventID).toBe(6);
  });

  it('reconnects with exponential backoff and sends the last event id so missed events are replayed', async () => {
    const t = setup();
    t.client.subscribe({ topics: ['enterprises'] });
    t.client.start();
    t.last().open();
    t.last().receive({ type: 'subscribed', last_event_id: 10 });
    t.last().receive(changed(11));
    t.last().drop();
    expect(t.client.status).toBe('reconnecting');
    expect(t.sockets).toHaveLength(1);
    // First retry after 500 ms × 0.75.
    await vi.advanceTimersByTimeAsync(374);
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sockets).toHaveLength(2);
    t.last().drop(); // refused again: the next wait doubles
    await vi.advanceTimersByTimeAsync(749);
    expect(t.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sockets).toHaveLength(3);
    t.last().open();
    expect(t.last().sent[0]).toMatchObject({ type: 'subscribe', last_event_id: 11 });
    t.last().receive(changed(12)); // a replayed event
    t.last().receive({ type: 'subscribed', last_event_id: 12 });
    expect(t.client.status).toBe('connected');
    expect(t.events.map((e) => e.id)).toEqual([11, 12]);
    // A success resets the backoff.
    t.last().drop();
    await vi.advanceTimersByTimeAsync(375);
    expect(t.sockets).toHaveLength(4);
  });

  it('caps the wait at 10 s and reads offline after several failures', async () => {
    const t = setup();
    t.client.start();
    for (let i = 0; i < 8; i++) {
      t.last().drop();
      await vi.advanceTimersByTimeAsync(MAX_BACKOFF_MS);
    }
    expect(t.sockets).toHaveLength(9);
    expect(t.client.status).toBe('offline');
    expect(t.statuses.slice(0, OFFLINE_AFTER)).toEqual(['reconnecting', 'offline']);
  });

  it('hands on a reset and takes the server’s position from the subscribed that follows', () => {
    const t = setup();
    t.client.start();
    t.last().open();
    t.last().receive({ type: 'subscribed', last_event_id: 900 });
    t.last().drop();
    vi.advanceTimersByTime(MAX_BACKOFF_MS);
    t.last().open();
    expect(t.last().sent[0]).toMatchObject({ last_event_id: 900 });
    // The server's log was rebuilt and no longer reaches back that far.
    t.last().receive({ type: 'reset', reason: 'events before 1000 were pruned' });
    t.last().receive({ type: 'subscribed', last_event_id: 20 });
    expect(t.resets).toEqual(['events before 1000 were pruned']);
    expect(t.client.lastEventID).toBe(20);
    t.last().receive(changed(21));
    expect(t.events.map((e) => e.id)).toEqual([21]);
  });

  it('reconnects at once with the new token when asked, keeping the last event id', () => {
    let token: string | null = null;
    const t = setup({ token: () => token });
    t.client.start();
    t.last().open();
    t.last().receive({ type: 'subscribed', last_event_id: 3 });
    token = 'sekret';
    t.client.reconnect();
    expect(t.sockets[0].closed).toBe(true);
    expect(t.last().url).toBe('ws://map.test/ws?token=sekret');
    t.last().open();
    expect(t.last().sent[0]).toMatchObject({ last_event_id: 3 });
    // The old socket's late close does not schedule another attempt.
    t.sockets[0].onclose?.({} as CloseEvent);
    vi.advanceTimersByTime(MAX_BACKOFF_MS);
    expect(t.sockets).toHaveLength(2);
  });

  it('waits while the browser is offline, and stops for good on stop', () => {
    let online = false;
    const t = setup({ online: () => online });
    t.client.start();
    expect(t.sockets).toHaveLength(0);
    expect(t.client.status).toBe('offline');
    online = true;
    t.client.reconnect();
    expect(t.sockets).toHaveLength(1);
    t.client.stop();
    expect(t.sockets[0].closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(t.sockets).toHaveLength(1);
  });
});
