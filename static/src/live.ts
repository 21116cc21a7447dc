// LiveClient: the websocket of events (GET /ws). It subscribes with the
// topics, view and sector filter the app gives it, remembers the highest
// event id it has seen and, when the connection drops, reconnects by itself
// (exponential backoff with jitter, at most MAX_BACKOFF_MS apart) sending
// that id as last_event_id, so the server replays what was missed — or says
// "reset" when its log no longer reaches back that far.
//
// The client knows nothing of maps: it hands events, resets and its status
// to listeners.

import type { BBox } from './api';

/** connecting: first attempt; reconnecting: after a drop; offline: the browser is offline or several attempts failed. */
export type LiveStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export const MIN_BACKOFF_MS = 500;
export const MAX_BACKOFF_MS = 10_000;
/** Failed attempts in a row after which the status reads offline (retries go on). */
export const OFFLINE_AFTER = 3;

/** One event as the server sends it. Transient events (import progress) have id 0. */
export interface LiveEvent {
  id: number;
  type: string;
  time?: string;
  payload?: unknown;
}

/** The payload of an enterprises.changed event. */
export interface EnterpriseChange {
  action: 'created' | 'updated' | 'deleted' | 'imported' | string;
  import_id?: string;
  count: number;
  /** The ids touched, when at most 100 were. */
  ids?: string[];
  sectors?: string[];
  /** west, south, east, north of every old and new point; all zero when none was placed. */
  bbox?: BBox;
  /** Old and new map points, when at most 100 enterprises changed. */
  points?: [number, number][];
  /**
   * For an edit of one enterprise, the deepest admin units whose profiles it may have changed
   * ([] for a rename); absent when any unit may have (imports, undo, large writes).
   */
  units?: string[];
}

/** What the client asks the server for. */
export interface LiveFilter {
  topics: string[];
  bbox?: BBox | null;
  /** null: all sectors. */
  sectors?: readonly string[] | null;
  /** The deck whose presentation events to receive (the presentations topic). */
  deck?: string;
  /** Count this connection as a follower of deck. */
  follow?: boolean;
}

/** The minimal WebSocket the client needs (the browser's, or a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface LiveOptions {
  /** The socket URL; called at every attempt so a new token is picked up. */
  url: () => string;
  createSocket?: (url: string) => SocketLike;
  /** In [0, 1); Math.random by default. */
  random?: () => number;
  /** Whether the browser is online; navigator.onLine by default. */
  online?: () => boolean;
}

const OPEN = 1;

/**
 * The wait before reconnect attempt n (0 for the first retry): doubling from
 * MIN_BACKOFF_MS up to MAX_BACKOFF_MS, then scaled by a random factor in
 * [0.5, 1) so that many clients dropped together do not return together.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.5 + random() / 2));
}

/** The /ws URL of the page's origin, with the token when there is one. */
export function socketURL(loc: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws` + (token ? '?token=' + encodeURIComponent(token) : '');
}

type Listener<T> = (value: T) => void;

export class LiveClient {
  private socket: SocketLike | null = null;
  private filter: LiveFilter = { topics: [] };
  private lastID = 0;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private current: LiveStatus = 'connecting';
  private granted: string[] = [];
  private readonly createSocket: (url: string) => SocketLike;
  private readonly random: () => number;
  private readonly online: () => boolean;
  private readonly listeners = {
    event: new Set<Listener<LiveEvent>>(),
    reset: new Set<Listener<string>>(),
    status: new Set<Listener<LiveStatus>>(),
    subscribed: new Set<Listener<number>>(),
  };

  constructor(private readonly opts: LiveOptions) {
    this.createSocket = opts.createSocket ?? ((url) => new WebSocket(url));
    this.random = opts.random ?? Math.random;
    this.online = opts.online ?? (() => (typeof navigator === 'undefined' ? true : navigator.onLine !== false));
  }

  get status(): LiveStatus {
    return this.current;
  }

  /** Whether the socket is open and subscribed. */
  get connected(): boolean {
    return this.current === 'connected';
  }

  /** The highest event id seen. */
  get lastEventID(): number {
    return this.lastID;
  }

  /** The topics the server granted (the imports topic needs an editor token). */
  get topics(): readonly string[] {
    return this.granted;
  }

  on(type: 'event', fn: Listener<LiveEvent>): () => void;
  on(type: 'reset', fn: Listener<string>): () => void;
  on(type: 'status', fn: Listener<LiveStatus>): () => void;
  on(type: 'subscribed', fn: Listener<number>): () => void;
  on(type: keyof LiveClient['listeners'], fn: Listener<never>): () => void {
    const set = this.listeners[type] as Set<Listener<never>>;
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Connects, and keeps connecting until stop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Closes the socket and stops reconnecting. */
  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.drop();
  }

  /** Changes what the client listens to; sent at once when connected. */
  subscribe(filter: LiveFilter): void {
    this.filter = filter;
    if (this.socket?.readyState === OPEN) this.send(false);
  }

  /**
   * Opens a new connection now (keeping the last event id), e.g. after the
   * user signed in or out, since a connection's role is fixed, or when the
   * browser comes back online.
   */
  reconnect(): void {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    this.drop();
    this.failures = 0;
    this.connect();
  }

  /** Sends a message (a presenter's position) when connected; returns whether it was sent. */
  post(msg: object): boolean {
    if (this.current !== 'connected' || this.socket?.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(msg));
    return true;
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (!this.online()) {
      this.setStatus('offline');
      return; // the app calls reconnect on the browser's "online" event
    }
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.opts.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.send(true);
    socket.onmessage = (ev) => this.handleMessage(ev.data);
    socket.onerror = () => {
      // onclose follows and schedules the retry
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.granted = [];
      if (this.running) this.scheduleRetry();
    };
  }

  /** Closes the current socket without scheduling a retry. */
  private drop(): void {
    const s = this.socket;
    this.socket = null;
    this.granted = [];
    if (!s) return;
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    try {
      s.close(1000);
    } catch {
      // already closed
    }
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.failures, this.random);
    this.failures++;
    this.setStatus(this.failures >= OFFLINE_AFTER || !this.online() ? 'offline' : 'reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private send(first: boolean): void {
    const f = this.filter;
    const msg: Record<string, unknown> = { type: 'subscribe', topics: f.topics };
    if (f.bbox) msg.bbox = f.bbox;
    if (f.sectors) msg.sectors = f.sectors;
    if (f.deck) msg.deck = f.deck;
    if (f.follow) msg.follow = true;
    if (first) msg.last_event_id = this.lastID;
    try {
      this.socket?.send(JSON.stringify(msg));
    } catch {
      // the close that follows reconnects
    }
  }

  private handleMessage(data: unknown): void {
    let msg: { type?: string; event?: LiveEvent; last_event_id?: number; topics?: string[]; reason?: string };
    try {
      msg = JSON.parse(String(data));
    } catch {
      return;
    }
    switch (msg.type) {
      case 'subscribed':
        this.failures = 0;
        // Everything up to the server's position has been sent (or reset).
        if (typeof msg.last_event_id === 'number') this.lastID = msg.last_event_id;
        this.granted = msg.topics ?? this.filter.topics;
        this.setStatus('connected');
        for (const fn of this.listeners.subscribed) fn(this.lastID);
        break;
      case 'event': {
        const ev = msg.event;
        if (!ev || typeof ev.type !== 'string') return;
        if (ev.id > 0) {
          if (ev.id <= this.lastID) return; // seen already (a replay overlapping live events)
          this.lastID = ev.id;
        }
        for (const fn of this.listeners.event) fn(ev);
        break;
      }
      case 'reset':
        // Everything up to the server's position is reloaded; its
        // "subscribed" that follows brings the new last_event_id.
        for (const fn of this.listeners.reset) fn(msg.reason ?? '');
        break;
    }
  }

  private setStatus(s: LiveStatus): void {
    if (s === this.current) return;
    this.current = s;
    for (const fn of this.listeners.status) fn(s);
  }
}
