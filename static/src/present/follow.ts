// Following a live presentation (#follow=<deck>): the page shows the
// presenter's slide and camera as they change; when the follower moves the
// map themself following pauses, and "Rejoin presenter" brings them back to
// the presenter's latest position in one click.

import type { App } from '../app';
import { el } from '../core/dom';
import type { Deck } from './deck';
import { FollowState } from './follow-state';
import { PresentationSocket, type Position } from './relay';
import { onUserMove, TitleCard } from './shared';

/** How long a follower's camera takes to reach the presenter's, in ms: short, so it keeps up. */
export const FOLLOW_MS = 600;

export interface FollowOptions {
  socket?: PresentationSocket;
}

/** A follower's page; stop() ends following. */
export class Following {
  readonly state = new FollowState();
  private readonly card: TitleCard;
  private readonly bar = el('div', 'pr-bar pr-follow-bar');
  private readonly status = el('span', 'pr-follow-status');
  private readonly rejoinButton = el('button', 'pr-rejoin');
  private readonly socket: PresentationSocket;
  private readonly undo: (() => void)[] = [];
  /** Moves the page makes itself, which must not pause following. */
  private applying = 0;
  /** The position last shown, so that a repeat is not flown again. */
  private shown = '';

  constructor(
    private readonly app: App,
    readonly deck: Deck,
    opts: FollowOptions = {},
  ) {
    this.card = new TitleCard(deck, app.i18n);
    this.socket = opts.socket ?? new PresentationSocket(deck.id, 'follower');
  }

  start(): void {
    const { app } = this;
    document.body.classList.add('guccho-following');
    this.undo.push(() => document.body.classList.remove('guccho-following'));
    const container = app.map.getContainer();
    this.rejoinButton.type = 'button';
    this.rejoinButton.addEventListener('click', () => this.rejoin());
    this.status.setAttribute('role', 'status');
    this.bar.append(this.status, this.rejoinButton);
    container.append(this.card.el, this.bar);
    this.card.el.hidden = true;
    this.undo.push(() => {
      this.card.el.remove();
      this.bar.remove();
    });
    this.undo.push(app.i18n.onChange(() => this.render()));
    this.undo.push(
      onUserMove(app.map, () => {
        if (!this.applying && this.state.userMoved()) this.render();
      }),
    );
    this.undo.push(this.socket.onPosition((p) => this.receive(p)));
    this.socket.start();
    this.undo.push(() => this.socket.stop());
    this.render();
  }

  stop(): void {
    for (const f of this.undo.reverse()) f();
    this.undo.length = 0;
  }

  /** Rejoin presenter: back to the presenter's latest position. */
  rejoin(): void {
    const p = this.state.rejoin();
    this.shown = '';
    this.render();
    if (p) void this.showPosition(p);
  }

  private receive(p: Position): void {
    const show = this.state.receive(p);
    this.render();
    if (show) void this.showPosition(show);
  }

  private async showPosition(p: Position): Promise<void> {
    const key = JSON.stringify([p.slide, p.state.view, p.state.params]);
    this.card.show(p.slide);
    this.card.el.hidden = false;
    if (key === this.shown) return;
    this.shown = key;
    this.applying++;
    try {
      await this.app.open(p.state, { duration: FOLLOW_MS });
    } finally {
      this.applying--;
    }
  }

  private render(): void {
    const { i18n } = this.app;
    const mode = this.state.mode;
    this.bar.dataset.mode = mode;
    this.status.textContent = i18n.t(mode === 'waiting' ? 'pr.waiting' : mode === 'paused' ? 'pr.paused' : 'pr.following');
    this.rejoinButton.textContent = i18n.t('pr.rejoin');
    this.rejoinButton.hidden = !this.state.canRejoin;
    this.card.refresh();
  }
}
