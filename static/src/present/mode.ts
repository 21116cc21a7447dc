// Presentation mode: a deck's slides one after another, full screen, with
// large type, the controls hidden, the slide's title and the view's legend
// on the map. Keys and a presenter's clicker move between slides; the
// camera flies from one saved view to the next; speaker notes open in a
// second window; with an editor's token the position goes live to every
// follower, and the presenter sees how many follow.

import type { MapLibreEvent } from 'maplibre-gl';
import type { App } from '../app';
import { el } from '../core/dom';
import { keyAction, SlideController, type SlideAction } from './controller';
import type { Deck } from './deck';
import { channelName, openChannel, slideMessage, type ChannelLike, type NotesMessage } from './notes-sync';
import { PresentationSocket } from './relay';
import { byUser, currentState, TitleCard } from './shared';

/** How long the camera flies from one slide to the next, in ms. */
export const TRANSITION_MS = 1500;

/** How much larger place labels are written while presenting, to be read from the back of the room. */
export const LABEL_SCALE = 1.4;

export interface PresentOptions {
  /** The slide to start at (0: the first). */
  start?: number;
  /** The live socket; by default one is opened when the user is signed in with a token that may write. */
  socket?: PresentationSocket | null;
  /** The notes channel; by default the deck's BroadcastChannel. */
  channel?: ChannelLike | null;
  /** Opens the notes window; window.open by default. */
  openNotes?: (url: string) => void;
  now?: () => number;
}

/** A running presentation; leave() ends it and restores the page. */
export class Presentation {
  readonly slides: SlideController;
  readonly startedAt: number;
  private readonly root = document.body;
  private readonly card: TitleCard;
  private readonly bar = el('div', 'pr-bar');
  private readonly counter = el('span', 'pr-counter');
  private readonly followers = el('span', 'pr-followers');
  private readonly undo: (() => void)[] = [];
  private flying = 0;
  private left = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    private readonly app: App,
    readonly deck: Deck,
    private readonly opts: PresentOptions = {},
  ) {
    this.slides = new SlideController(deck.views.length, opts.start ?? 0);
    this.startedAt = (opts.now ?? Date.now)();
    this.card = new TitleCard(deck, app.i18n);
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** Resolves when the presentation ends. */
  get ended(): Promise<void> {
    return this.done;
  }

  /** The number of followers last heard, or null when not live. */
  get followerCount(): number | null {
    const n = this.followers.dataset.count;
    return n === undefined ? null : Number(n);
  }

  /** Enters presentation mode and shows the first slide. */
  async start(): Promise<void> {
    const { app } = this;
    const body = this.root;
    body.classList.add('guccho-presenting');
    // Place labels grow with the page's type, and are placed again at their new size.
    const labelScale = app.overlays.textScale;
    app.overlays.setTextScale(LABEL_SCALE);
    this.undo.push(() => {
      body.classList.remove('guccho-presenting');
      app.overlays.setTextScale(labelScale);
      app.map.resize();
    });
    const container = app.map.getContainer();
    container.append(this.card.el);
    this.undo.push(() => this.card.el.remove());
    this.buildBar();
    container.append(this.bar);
    this.undo.push(() => this.bar.remove());

    // The map's own arrow keys would pan; in presentation mode they change slides.
    app.map.keyboard.disable();
    this.undo.push(() => app.map.keyboard.enable());
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      const action = keyAction(e.key, e);
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      void this.act(action);
    };
    window.addEventListener('keydown', onKey, true);
    this.undo.push(() => window.removeEventListener('keydown', onKey, true));

    // Leaving full screen (Escape in most browsers) leaves the presentation.
    const onFullscreen = () => {
      if (!document.fullscreenElement) this.leave();
    };
    this.undo.push(() => document.removeEventListener('fullscreenchange', onFullscreen));
    try {
      if (document.fullscreenEnabled && !document.fullscreenElement) {
        await document.documentElement.requestFullscreen();
        document.addEventListener('fullscreenchange', onFullscreen);
        this.undo.push(() => {
          if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
        });
      }
    } catch {
      // Not allowed without a user's gesture (a #present= link): the page still presents.
    }

    this.undo.push(app.i18n.onChange(() => this.render()));

    // Moves the presenter makes themself go to the followers too (at most 5 a second, and the last).
    const sendCamera = () => {
      if (!this.flying) this.sendPosition();
    };
    const endMove = () => {
      app.map.off('move', sendCamera);
      sendCamera();
    };
    const startMove = (e: MapLibreEvent<unknown>) => {
      if (!byUser(e)) return;
      app.map.on('move', sendCamera);
      app.map.once('moveend', endMove);
    };
    app.map.on('movestart', startMove);
    this.undo.push(() => {
      app.map.off('movestart', startMove);
      app.map.off('move', sendCamera);
      app.map.off('moveend', endMove);
    });

    this.startSocket();
    this.startChannel();
    // The map takes the header's space (and the screen's) now, not in the
    // middle of the first flight, which would end half the change off.
    app.map.resize();
    await this.show(this.slides.index);
  }

  /** Applies a key's action. */
  async act(action: SlideAction): Promise<void> {
    if (this.left) return;
    if (action === 'leave') {
      this.leave();
      return;
    }
    const i = this.slides.apply(action);
    if (i !== null) await this.show(i);
  }

  /** Ends the presentation: the page as it was, the notes window told, the socket closed. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    for (const f of this.undo.reverse()) f();
    this.undo.length = 0;
    this.resolveDone();
  }

  /** Shows slide i: its title at once, then the camera flies to its saved view. */
  private async show(i: number): Promise<void> {
    const slide = this.deck.views[i];
    this.render();
    this.postNotes();
    if (!slide) return;
    // Followers start their flight with ours.
    this.sendPosition({ view: slide.state.view, params: slide.state.params });
    this.flying++;
    try {
      await this.app.open(slide.state, { duration: TRANSITION_MS });
    } finally {
      this.flying--;
    }
  }

  private sendPosition(state = currentState(this.app)): void {
    this.opts.socket?.send({ deck: this.deck.id, slide: this.slides.index, state: { v: 1, view: state.view ?? '', params: state.params } });
  }

  private render(): void {
    const { i18n } = this.app;
    this.card.show(this.slides.index);
    this.counter.textContent = i18n.t('pr.slide', { n: this.slides.index + 1, count: this.slides.count });
    const n = this.followerCount;
    if (n !== null) this.followers.textContent = n === 1 ? i18n.t('pr.followers.one') : i18n.t('pr.followers', { n });
    for (const b of this.bar.querySelectorAll<HTMLButtonElement>('button[data-key]')) {
      b.textContent = i18n.t(b.dataset.key as 'pr.prev');
    }
    this.bar.querySelector<HTMLButtonElement>('.pr-prev')!.disabled = this.slides.atFirst;
    this.bar.querySelector<HTMLButtonElement>('.pr-next')!.disabled = this.slides.atLast;
  }

  private buildBar(): void {
    const button = (cls: string, key: string, fn: () => void) => {
      const b = el('button', cls);
      b.type = 'button';
      b.dataset.key = key;
      b.addEventListener('click', fn);
      return b;
    };
    this.bar.append(
      button('pr-prev', 'pr.prev', () => void this.act('prev')),
      this.counter,
      button('pr-next', 'pr.next', () => void this.act('next')),
      this.followers,
      button('pr-open-notes', 'pr.notes', () => this.openNotes()),
      button('pr-leave', 'pr.leave', () => this.leave()),
    );
    this.followers.setAttribute('aria-live', 'polite');
  }

  /**
   * Goes live when a socket was given or the user may write; otherwise says
   * the presentation is not live, and goes live once the user signs in
   * with an editor's token (or the saved token is confirmed).
   */
  private startSocket(): void {
    const { app } = this;
    if (this.opts.socket === undefined) {
      const editor = () => ['editor', 'admin'].includes(app.session.me?.role ?? '');
      if (!editor()) {
        this.followers.classList.add('pr-message');
        this.followers.textContent = app.i18n.t('pr.local');
        const off = app.session.onChange(() => {
          if (!editor() || this.left) return;
          off();
          this.opts.socket = new PresentationSocket(this.deck.id, 'presenter', { token: () => app.session.bearer });
          this.goLive(this.opts.socket);
          // Mid-flight, the followers are sent where the camera is going.
          const slide = this.deck.views[this.slides.index];
          this.sendPosition(this.flying && slide ? slide.state : undefined);
        });
        this.undo.push(off);
        return;
      }
      this.opts.socket = new PresentationSocket(this.deck.id, 'presenter', { token: () => app.session.bearer });
    }
    if (this.opts.socket) this.goLive(this.opts.socket);
  }

  private goLive(socket: PresentationSocket): void {
    this.followers.classList.remove('pr-message');
    this.followers.textContent = '';
    this.undo.push(
      socket.onFollowers((n) => {
        this.followers.dataset.count = String(n);
        this.render();
      }),
    );
    socket.start();
    this.undo.push(() => socket.stop());
  }

  private startChannel(): void {
    const ch = this.opts.channel === undefined ? openChannel(this.deck.id) : this.opts.channel;
    this.opts.channel = ch;
    if (!ch) return;
    ch.onmessage = (ev: MessageEvent) => {
      const m = ev.data as NotesMessage;
      if (m?.type !== 'command' || m.deck !== this.deck.id) return;
      if (m.action === 'hello') this.postNotes();
      else void this.act(m.action);
    };
    this.undo.push(() => {
      ch.onmessage = null;
      ch.close();
    });
  }

  private postNotes(): void {
    this.opts.channel?.postMessage(slideMessage(this.deck, this.slides.index, this.startedAt));
  }

  private openNotes(): void {
    const url = `${location.pathname}#notes=${encodeURIComponent(this.deck.id)}`;
    const open = this.opts.openNotes ?? ((u: string) => window.open(u, channelName(this.deck.id), 'width=560,height=680'));
    open(url);
  }
}
