// PresentationSocket: one deck's live presentation over /ws, on the
// LiveClient (which reconnects with its last event id). A presenter's
// socket sends its positions — at most one every MOVE_EVERY_MS while the
// camera moves, and always the last one — and hears how many follow; a
// follower's socket counts as a follower and hears the positions.

import { LiveClient, socketURL, type LiveEvent, type LiveOptions, type LiveStatus } from '../live';
import type { SavedState } from '../app';

/** The presenter sends its camera at most this often (the server allows 5 a second per deck). */
export const MOVE_EVERY_MS = 200;

/** A presenter's position (deck.Position). */
export interface Position {
  deck: string;
  slide: number;
  state: SavedState & { v?: number };
}

export interface SocketOptions {
  /** The token to connect with (presenters need an editor's); called at each attempt. */
  token?: () => string | null;
  createSocket?: LiveOptions['createSocket'];
  online?: LiveOptions['online'];
  random?: LiveOptions['random'];
  location?: Pick<Location, 'protocol' | 'host'>;
}

/** Reads a position from an event's payload, or null when it is not one. */
export function positionOf(ev: LiveEvent, deck: string): Position | null {
  const p = ev.payload as Partial<Position> | undefined;
  if (ev.type !== 'presentation.moved' || !p || p.deck !== deck || typeof p.slide !== 'number' || !p.state) return null;
  return { deck, slide: p.slide, state: { view: p.state.view ?? '', params: p.state.params ?? {}, v: p.state.v } };
}

export class PresentationSocket {
  private readonly client: LiveClient;
  private readonly positionListeners = new Set<(p: Position) => void>();
  private readonly followerListeners = new Set<(n: number) => void>();
  /** The newest position not yet sent (throttled, or sent while disconnected). */
  private pending: Position | null = null;
  private lastSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly deck: string,
    readonly role: 'presenter' | 'follower',
    opts: SocketOptions = {},
  ) {
    const loc = opts.location ?? location;
    this.client = new LiveClient({
      url: () => socketURL(loc, opts.token?.() ?? null),
      createSocket: opts.createSocket,
      online: opts.online,
      random: opts.random,
    });
    this.client.subscribe({ topics: ['presentations'], deck, follow: role === 'follower' });
    this.client.on('event', (ev) => this.handle(ev));
    // After a reconnect, the position the presenter is at goes out again.
    this.client.on('subscribed', () => this.flush());
  }

  get status(): LiveStatus {
    return this.client.status;
  }

  onStatus(fn: (s: LiveStatus) => void): () => void {
    return this.client.on('status', fn);
  }

  /** Calls fn with each presenter's position (followers). */
  onPosition(fn: (p: Position) => void): () => void {
    this.positionListeners.add(fn);
    return () => this.positionListeners.delete(fn);
  }

  /** Calls fn with the number of followers over every server instance (presenters). */
  onFollowers(fn: (n: number) => void): () => void {
    this.followerListeners.add(fn);
    return () => this.followerListeners.delete(fn);
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.client.stop();
  }

  /**
   * Sends the presenter's position: at once when the last one left at
   * least MOVE_EVERY_MS ago, else when that interval ends (only the newest
   * waiting one goes), so the end of every move arrives.
   */
  send(p: Position, now = Date.now()): void {
    this.pending = p;
    if (this.timer !== undefined) return;
    const wait = this.lastSent + MOVE_EVERY_MS - now;
    if (wait <= 0) this.flush(now);
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(now = Date.now()): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    if (!p || this.role !== 'presenter') return;
    if (this.client.post({ type: 'present', deck: p.deck, slide: p.slide, state: { v: p.state.v ?? 1, view: p.state.view ?? '', params: p.state.params } })) {
      this.pending = null;
      this.lastSent = now;
    }
  }

  private handle(ev: LiveEvent): void {
    if (ev.type === 'presentation.audience') {
      const a = ev.payload as { deck?: string; followers?: number } | undefined;
      if (a?.deck === this.deck && typeof a.followers === 'number') for (const fn of this.followerListeners) fn(a.followers);
      return;
    }
    const p = positionOf(ev, this.deck);
    if (p) for (const fn of this.positionListeners) fn(p);
  }
}
