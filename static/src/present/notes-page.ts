// The speaker notes window (#notes=<deck>, opened by the presenter): the
// current slide's notes in the chosen language, the next slide's title and
// the time since the presentation began, kept in step with the presenting
// window over a BroadcastChannel; Previous and Next work from here too.

import { el } from '../core/dom';
import { I18n, isLang, LANG_NAMES, type Lang } from '../core/i18n';
import { formatElapsed, notesIn, openChannel, type ChannelLike, type NotesMessage, type SlideMessage } from './notes-sync';

export class NotesPage {
  readonly el = el('div', 'pr-notes');
  private readonly slide = el('span', 'pr-notes-slide');
  private readonly elapsed = el('span', 'pr-notes-elapsed');
  private readonly title = el('h1');
  private readonly text = el('div', 'pr-notes-text');
  private readonly next = el('div', 'pr-notes-next');
  private readonly lang = el('select', 'pr-notes-lang');
  private current: SlideMessage | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly deckId: string,
    private readonly i18n: I18n,
    private readonly channel: ChannelLike | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Renders into root and says hello to the presenting window. */
  mount(root: HTMLElement): void {
    const head = el('div', 'pr-notes-head');
    const label = el('label', '', '');
    const labelText = el('span', 'pr-notes-lang-label');
    label.append(labelText, ' ', this.lang);
    for (const l of ['en', 'bn'] as Lang[]) {
      const o = el('option', '', LANG_NAMES[l]);
      o.value = l;
      this.lang.append(o);
    }
    this.lang.value = this.i18n.lang;
    this.lang.addEventListener('change', () => {
      if (isLang(this.lang.value)) this.i18n.setLang(this.lang.value);
    });
    this.i18n.onChange(() => this.render());
    head.append(this.slide, label, this.elapsed);
    const actions = el('div', 'pr-notes-actions');
    const button = (cls: string, action: 'prev' | 'next') => {
      const b = el('button', cls);
      b.type = 'button';
      b.dataset.action = action;
      b.addEventListener('click', () => this.command(action));
      return b;
    };
    actions.append(button('pr-notes-prev', 'prev'), button('pr-notes-next-button', 'next'));
    this.el.append(head, this.title, this.text, this.next, actions);
    root.append(this.el);
    if (this.channel) this.channel.onmessage = (ev: MessageEvent) => this.receive(ev.data as NotesMessage);
    this.timer = setInterval(() => this.renderElapsed(), 1000);
    this.render();
    this.command('hello');
  }

  unmount(): void {
    clearInterval(this.timer);
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
    }
    this.el.remove();
  }

  /** A message from the presenting window. */
  receive(m: NotesMessage): void {
    if (m?.type !== 'slide' || m.deck !== this.deckId) return;
    this.current = m;
    this.render();
  }

  private command(action: 'hello' | 'prev' | 'next'): void {
    this.channel?.postMessage({ type: 'command', deck: this.deckId, action });
  }

  private render(): void {
    const { i18n } = this;
    document.documentElement.lang = i18n.lang;
    this.el.querySelector('.pr-notes-lang-label')!.textContent = i18n.t('pr.notes.language');
    for (const b of this.el.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
      b.textContent = i18n.t(b.dataset.action === 'prev' ? 'pr.prev' : 'pr.next');
    }
    const m = this.current;
    if (!m) {
      this.title.textContent = i18n.t('pr.notes');
      this.text.textContent = i18n.t('pr.notes.waiting');
      this.next.textContent = '';
      this.slide.textContent = '';
      this.renderElapsed();
      return;
    }
    const t = notesIn(m, i18n.lang);
    this.slide.textContent = i18n.t('pr.slide', { n: m.index + 1, count: m.count });
    this.title.textContent = t.title;
    this.text.textContent = t.notes || i18n.t('pr.notes.none');
    this.next.textContent = m.next ? i18n.t('pr.notes.next', { title: t.next }) : i18n.t('pr.notes.last');
    this.el.querySelector<HTMLButtonElement>('.pr-notes-prev')!.disabled = m.index === 0;
    this.el.querySelector<HTMLButtonElement>('.pr-notes-next-button')!.disabled = m.index >= m.count - 1;
    this.renderElapsed();
  }

  private renderElapsed(): void {
    const m = this.current;
    this.elapsed.textContent = m ? this.i18n.t('pr.notes.elapsed', { time: formatElapsed(this.now() - m.startedAt) }) : '';
  }
}

/** Shows the notes window of deckId in place of the map. */
export function showNotes(root: HTMLElement, deckId: string): NotesPage {
  document.body.classList.add('pr-notes-page');
  root.replaceChildren();
  const page = new NotesPage(deckId, new I18n(window.localStorage), openChannel(deckId));
  document.title = `${page.deckId} — notes`;
  page.mount(root);
  return page;
}
