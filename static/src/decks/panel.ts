// DecksPanel: the side panel of saved views and decks, loaded with import()
// the first time the Views button or a link asks for it. Everyone sees the
// lists, opens views and decks and copies share links; editors also save
// the map as a view (titles, subtitles and notes in English and Bangla),
// edit and delete views, and make decks: add views, reorder slides (arrows
// or drag), remove slides. Opening a view asks the app to open its state
// (flying the camera) and says, in the interface language, what the app
// could not use. A deck is presented from here (full screen, followed
// live), its follow link copied, and it is exported to PDF or PowerPoint
// with a progress line; a single saved view exports to PDF.

import { ApiError } from '../api';
import type { App } from '../app';
import { LiveClient, socketURL, type SocketLike } from '../live';
import { el } from '../core/dom';
import { errorText } from '../core/errors';
import type { I18n, MessageKey } from '../core/i18n';
import type { Route } from '../core/router';
import { canEdit, type Session } from '../core/session';
import { PanelFrame } from '../core/side-panel';
import * as api from './api';
import type { Deck, DeckWithViews, SavedView, Text, ViewState } from './api';
import { parseLink, withoutLinkKeys, type DeckLink } from './link';
import { clampSlide, deckLink, droppedNotice, followLink, move, removeAt, stateOf, textIn, viewLink } from './model';
import './strings';
import './decks.css';

/** What the panel needs of the app (App in app.ts has all of it). */
export interface DecksHost {
  i18n: I18n;
  session: Session;
  router: { readonly current: Route; replace(params: Record<string, string>, view?: string): void };
  open(state: ViewState, opts?: { duration?: number }): Promise<{ dropped: string[] }>;
}

export interface DecksPanelOptions {
  /** The page's address without the hash, for share links (default: this page's). */
  base?: string;
  /** How long opening a view flies the camera, in ms (default 1000). */
  duration?: number;
  /** Asks before deleting (default window.confirm). */
  confirm?: (message: string) => boolean;
  /** Puts a link on the clipboard (default navigator.clipboard). */
  copy?: (text: string) => Promise<void>;
  /** Told whenever the panel opens or closes. */
  onOpenChange?: (open: boolean) => void;
  /** Opens the websocket that reports other editors' changes (default the browser's WebSocket). */
  createSocket?: (url: string) => SocketLike;
  /** Presents a deck (appActions gives the app's presentation mode); without it there is no Present button. */
  present?: (deckId: string) => Promise<unknown>;
  /**
   * Exports a deck of saved views to a PDF or PowerPoint file, calling
   * onProgress(done, total) after each page (appActions gives the app's
   * exports); without it there are no Export buttons.
   */
  exportDeck?: (deck: ExportableDeck, format: DeckFormat, onProgress: (done: number, total: number) => void) => Promise<{ filename: string; pages: number }>;
}

/** The file formats a deck exports to. */
export type DeckFormat = 'pdf' | 'pptx';

/** What an export needs of a deck: its title and its views in order. */
export type ExportableDeck = Pick<DeckWithViews, 'title' | 'subtitle' | 'views'> & { id?: string };

/** The panel's actions that need the whole app: presenting (src/present) and exports (src/export), each loaded on first use. */
export function appActions(app: App): Pick<DecksPanelOptions, 'present' | 'exportDeck'> {
  return {
    present: (deckId) => import('../present').then((m) => m.present(app, deckId)),
    exportDeck: async (deck, format, onProgress) => (await app.exports()).exportDeck(app, deck, format, onProgress),
  };
}

const FORMAT_NAMES: Record<DeckFormat, MessageKey> = { pdf: 'decks.format.pdf', pptx: 'decks.format.pptx' };

/** A message at the top of the panel; text is put into words on each render, in the language of the moment. */
type Notice = { kind: 'info' | 'error' | 'dropped' | 'progress'; text: () => string; link?: string };
type Form = { kind: 'view'; editing?: SavedView } | { kind: 'deck'; editing?: Deck };

function button(cls: string, text: string, onClick: () => void, label = ''): HTMLButtonElement {
  const b = el('button', cls, text);
  b.type = 'button';
  if (label) {
    b.setAttribute('aria-label', label);
    b.title = label;
  }
  b.addEventListener('click', onClick);
  return b;
}

export class DecksPanel {
  private readonly frame: PanelFrame;
  private readonly opts: Required<Omit<DecksPanelOptions, 'present' | 'exportDeck'>> & Pick<DecksPanelOptions, 'present' | 'exportDeck'>;
  private open = false;
  private views: SavedView[] = [];
  private decks: Deck[] = [];
  /** The deck shown, with its views; null shows the lists. */
  private deck: DeckWithViews | null = null;
  /** The deck's current slide, 1 is the first; 0 before one is opened. */
  private slide = 0;
  private notice: Notice | null = null;
  private form: Form | null = null;
  private formError = '';
  private loading = false;
  /** The slide being dragged. */
  private dragFrom = -1;
  private readonly unsubscribe: () => void;
  /** The decks topic of /ws while the panel is open: others' changes reload the lists. */
  private live: LiveClient | null = null;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether an export is running (one at a time: it opens each view on the page's map). */
  private exporting = false;

  constructor(
    private readonly host: DecksHost,
    parent: HTMLElement,
    opts: DecksPanelOptions = {},
  ) {
    this.opts = {
      base: opts.base ?? location.origin + location.pathname + location.search,
      duration: opts.duration ?? 1000,
      confirm: opts.confirm ?? ((m) => window.confirm(m)),
      copy: opts.copy ?? ((text) => navigator.clipboard.writeText(text)),
      onOpenChange: opts.onOpenChange ?? (() => {}),
      createSocket: opts.createSocket ?? ((url) => new WebSocket(url)),
      present: opts.present,
      exportDeck: opts.exportDeck,
    };
    this.frame = new PanelFrame(parent, 'dk-panel', {
      i18n: host.i18n,
      closeLabel: 'decks.close',
      isOpen: () => this.open,
      onClose: () => this.hide(),
      onLanguage: () => this.render(),
    });
    this.unsubscribe = host.session.onChange(() => this.render());
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The deck shown and its current slide (1 is the first), or null. */
  get shownDeck(): { deck: DeckWithViews; slide: number } | null {
    return this.deck ? { deck: this.deck, slide: this.slide } : null;
  }

  /** Opens the panel and reloads the lists. */
  async show(): Promise<void> {
    this.open = true;
    this.render();
    await this.reload();
  }

  hide(): void {
    this.open = false;
    this.form = null;
    this.render();
  }

  toggle(): Promise<void> {
    if (this.open) {
      this.hide();
      return Promise.resolve();
    }
    return this.show();
  }

  remove(): void {
    this.open = false;
    this.follow();
    this.unsubscribe();
    this.frame.remove();
  }

  /**
   * Follows the decks topic while the panel is open: a change by anyone
   * (or a reset of the stream) reloads the lists and the deck shown, a
   * moment later, and not while a form is open (its save reloads anyway).
   */
  private follow(): void {
    if (this.open && !this.live) {
      const live = new LiveClient({ url: () => socketURL(location, this.host.session.bearer), createSocket: this.opts.createSocket });
      const soon = () => {
        clearTimeout(this.liveTimer);
        this.liveTimer = setTimeout(() => {
          if (this.open && !this.form) void this.reload();
        }, 150);
      };
      live.on('event', (ev) => {
        if (ev.type === 'decks.changed') soon();
      });
      live.on('reset', soon);
      live.subscribe({ topics: ['decks'] });
      live.start();
      this.live = live;
    } else if (!this.open && this.live) {
      clearTimeout(this.liveTimer);
      this.live.stop();
      this.live = null;
    }
  }

  /**
   * Opens what link keys ask for (saved=<id>, or deck=<id>&slide=<n>): those
   * of params, by default the current route's. The keys leave the hash
   * first, without a history entry; opening the view then writes its own
   * state.
   */
  followLink(params: Record<string, string> = this.host.router.current.params): Promise<void> {
    const link = parseLink(params);
    if (!link) return Promise.resolve();
    const { current } = this.host.router;
    this.host.router.replace(withoutLinkKeys(current.params), current.view);
    return this.openLink(link);
  }

  /** Opens what a link asks for: a saved view, or a deck at a slide. */
  async openLink(link: DeckLink): Promise<void> {
    this.open = true;
    this.render();
    if (link.kind === 'view') {
      await this.reload();
      await this.openViewByID(link.id);
    } else {
      await this.openDeck(link.id, link.slide);
      void this.reload();
    }
  }

  /** Reloads the lists (and the deck shown). */
  async reload(): Promise<void> {
    this.loading = true;
    this.render();
    try {
      [this.views, this.decks] = await Promise.all([api.listViews(), api.listDecks()]);
      if (this.deck) this.deck = await api.fetchDeck(this.deck.id);
    } catch (err) {
      this.setNotice('error', () => errorText(this.host.i18n, err));
    } finally {
      this.loading = false;
      this.render();
    }
  }

  /** Fetches a saved view and opens it; a 404 says which id was not found. */
  async openViewByID(id: string): Promise<void> {
    let v: SavedView;
    try {
      v = await api.fetchView(id);
    } catch (err) {
      this.setNotice('error', () => this.notFoundText(err, 'decks.notFound.view', id));
      return;
    }
    await this.openView(v);
  }

  /** Opens a view's state in the app, then says what it dropped. */
  async openView(v: SavedView): Promise<void> {
    this.notice = null;
    this.render();
    // Link keys in a state would open something else again: they never count.
    const state = { ...v.state, params: withoutLinkKeys(v.state.params ?? {}) };
    const { dropped } = await this.host.open(state, { duration: this.opts.duration });
    const d = droppedNotice(v.state, dropped);
    if (d) {
      const { i18n } = this.host;
      this.setNotice('dropped', () => {
        const names = [...(d.view ? [i18n.t('decks.dropped.view', { name: d.view })] : []), ...d.params].join(', ');
        return i18n.t(d.newer ? 'decks.dropped.newer' : 'decks.dropped.unknown', { names });
      });
    }
  }

  /** Shows a deck in the panel (opening it); when slide is given, opens that slide (clamped into the deck). */
  async openDeck(id: string, slide?: number): Promise<void> {
    this.open = true;
    try {
      this.deck = await api.fetchDeck(id);
    } catch (err) {
      this.deck = null;
      this.setNotice('error', () => this.notFoundText(err, 'decks.notFound.deck', id));
      return;
    }
    this.slide = 0;
    this.notice = null;
    this.form = null;
    this.render();
    if (slide !== undefined && this.deck.views.length > 0) await this.goTo(slide);
  }

  /** Opens slide n (1 is the first) of the deck shown. */
  async goTo(n: number): Promise<void> {
    if (!this.deck || this.deck.views.length === 0) return;
    this.slide = clampSlide(n, this.deck.views.length);
    this.render();
    await this.openView(this.deck.views[this.slide - 1]);
  }

  /** Moves the deck's slide at index from (0 is the first) to index to, and saves the order. */
  moveSlide(from: number, to: number): Promise<void> {
    if (!this.deck || from === to) return Promise.resolve();
    const current = this.slide - 1;
    const order = move(this.deck.view_ids, from, to);
    // The current slide follows the view it shows.
    if (current >= 0) this.slide = move(this.deck.view_ids.map((_, i) => i), from, to).indexOf(current) + 1;
    return this.saveSlides(order);
  }

  /** Removes the slide at index i (0 is the first) from the deck shown. */
  removeSlide(i: number): Promise<void> {
    if (!this.deck) return Promise.resolve();
    if (this.slide - 1 === i) this.slide = 0;
    else if (this.slide - 1 > i) this.slide--;
    return this.saveSlides(removeAt(this.deck.view_ids, i));
  }

  /** Appends a view to the deck shown. */
  addSlide(v: SavedView): Promise<void> {
    if (!this.deck) return Promise.resolve();
    const order = [...this.deck.view_ids, v.id];
    return this.saveSlides(order, () => this.host.i18n.t('decks.added', { title: this.title(v.title), n: order.length }));
  }

  private async saveSlides(viewIDs: string[], done?: () => string): Promise<void> {
    const token = this.host.session.bearer;
    if (!this.deck || !token) return;
    const id = this.deck.id;
    try {
      await api.updateDeck(token, id, { view_ids: viewIDs });
      this.deck = await api.fetchDeck(id);
      this.slide = Math.min(this.slide, this.deck.views.length);
      this.notice = done ? { kind: 'info', text: done } : null;
    } catch (err) {
      this.setNotice('error', () => errorText(this.host.i18n, err));
    }
    this.render();
    void this.reloadLists();
  }

  private async reloadLists(): Promise<void> {
    try {
      [this.views, this.decks] = await Promise.all([api.listViews(), api.listDecks()]);
      this.render();
    } catch {
      // the lists stay as they were; the next reload says why
    }
  }

  private notFoundText(err: unknown, key: MessageKey, id: string): string {
    if (err instanceof ApiError && err.status === 404) return this.host.i18n.t(key, { id });
    return errorText(this.host.i18n, err);
  }

  private setNotice(kind: Notice['kind'], text: () => string, link?: string): void {
    this.notice = { kind, text, link };
    this.render();
  }

  private get editor(): boolean {
    return canEdit(this.host.session.me);
  }

  private title(t: Text): string {
    return textIn(t, this.host.i18n.lang) || this.host.i18n.t('decks.untitled');
  }

  private async copyLink(link: string): Promise<void> {
    try {
      await this.opts.copy(link);
      this.setNotice('info', () => this.host.i18n.t('decks.copied'), link);
    } catch {
      this.setNotice('info', () => this.host.i18n.t('decks.copyThis'), link);
    }
  }

  /** Presents deck id: the panel closes and presentation mode takes the screen. */
  async present(id: string): Promise<void> {
    if (!this.opts.present) return;
    this.hide();
    try {
      await this.opts.present(id);
    } catch (err) {
      this.open = true;
      this.setNotice('error', () => errorText(this.host.i18n, err));
    }
  }

  /**
   * Exports a deck (the one of id, fetched with its views, or the views
   * given) to a file, saying "page n of count" as it goes, then the file's
   * name, or why it failed.
   */
  async exportDeck(deck: string | ExportableDeck, format: DeckFormat): Promise<void> {
    const run = this.opts.exportDeck;
    if (!run || this.exporting) return;
    const { i18n } = this.host;
    const what = () => i18n.t(FORMAT_NAMES[format]);
    this.exporting = true;
    this.setNotice('progress', () => i18n.t('decks.export.starting', { format: what() }));
    try {
      const d = typeof deck === 'string' ? await api.fetchDeck(deck) : deck;
      if (!d.views.length) throw new Error(i18n.t('decks.export.empty'));
      const count = d.views.length;
      this.setNotice('progress', () => i18n.t('decks.export.page', { format: what(), n: 1, count }));
      const r = await run(d, format, (done, total) => {
        const n = Math.min(done + 1, total);
        this.setNotice('progress', () => (done < total ? i18n.t('decks.export.page', { format: what(), n, count: total }) : i18n.t('decks.export.building', { format: what() })));
      });
      this.setNotice('info', () => i18n.t(r.pages === 1 ? 'decks.export.doneOne' : 'decks.export.done', { file: r.filename, count: r.pages }));
    } catch (err) {
      this.setNotice('error', () => i18n.t('decks.export.failed', { error: err instanceof ApiError || !(err instanceof Error) ? errorText(i18n, err) : err.message }));
    } finally {
      this.exporting = false;
      this.render();
    }
  }

  private async deleteItem(kind: 'view' | 'deck', id: string, title: string): Promise<void> {
    const token = this.host.session.bearer;
    if (!token) return;
    const question = this.host.i18n.t(kind === 'view' ? 'decks.confirmDeleteView' : 'decks.confirmDeleteDeck', { title });
    if (!this.opts.confirm(question)) return;
    try {
      if (kind === 'view') await api.deleteView(token, id);
      else await api.deleteDeck(token, id);
      if (kind === 'deck' && this.deck?.id === id) this.deck = null;
      this.notice = null;
    } catch (err) {
      this.setNotice('error', () => errorText(this.host.i18n, err));
    }
    await this.reload();
  }

  /** Saves the form: a new view of the map as it is, an edited view, or a deck. */
  async submitForm(values: Record<string, string>, recapture = false): Promise<void> {
    const form = this.form;
    const token = this.host.session.bearer;
    if (!form || !token) return;
    const title = { en: values.title_en?.trim() ?? '', bn: values.title_bn?.trim() ?? '' };
    if (!title.en && !title.bn) {
      this.formError = this.host.i18n.t('decks.form.needTitle');
      this.render();
      return;
    }
    const subtitle = { en: values.subtitle_en?.trim() ?? '', bn: values.subtitle_bn?.trim() ?? '' };
    try {
      if (form.kind === 'view') {
        const notes = { en: values.notes_en ?? '', bn: values.notes_bn ?? '' };
        const state = !form.editing || recapture ? stateOf(this.host.router.current) : undefined;
        const saved = form.editing
          ? await api.updateView(token, form.editing.id, { title, subtitle, notes, ...(state ? { state } : {}) })
          : await api.createView(token, { title, subtitle, notes, state });
        this.notice = { kind: 'info', text: () => this.host.i18n.t('decks.saved', { title: this.title(saved.title) }) };
      } else if (form.editing) {
        await api.updateDeck(token, form.editing.id, { title, subtitle });
      } else {
        const d = await api.createDeck(token, { title, subtitle, view_ids: [] });
        this.deck = await api.fetchDeck(d.id);
        this.slide = 0;
      }
      this.form = null;
      this.formError = '';
    } catch (err) {
      this.formError = errorText(this.host.i18n, err);
      this.render();
      return;
    }
    await this.reload();
  }

  private startForm(form: Form): void {
    this.form = form;
    this.formError = '';
    this.render();
    this.frame.body.querySelector<HTMLInputElement>('.dk-form input')?.focus();
  }

  // Rendering: the whole body is built again on every change; the lists are short.

  private render(): void {
    if (this.frame.el.hidden === this.open) this.opts.onOpenChange(this.open);
    this.follow();
    this.place();
    this.frame.show(this.open);
    const body = this.frame.body;
    body.replaceChildren();
    if (!this.open) return;
    const { i18n } = this.host;
    body.append(el('h2', 'dk-title', i18n.t('decks.title')));
    if (this.notice) body.append(this.renderNotice(this.notice));
    if (this.form) {
      body.append(this.renderForm(this.form));
      return;
    }
    if (this.deck) this.renderDeck(body, this.deck);
    else this.renderLists(body);
  }

  /** Keeps the panel left of the map's top-right controls, whose column is as wide as its widest control. */
  private place(): void {
    const corner = this.frame.el.parentElement?.querySelector('.maplibregl-ctrl-top-right');
    const width = corner?.getBoundingClientRect().width ?? 0;
    this.frame.el.style.right = width > 0 ? `${Math.round(width) + 12}px` : '';
  }

  private renderNotice(n: Notice): HTMLElement {
    const p = el('div', `dk-notice dk-notice-${n.kind}`);
    p.setAttribute('role', n.kind === 'info' || n.kind === 'progress' ? 'status' : 'alert');
    p.append(el('span', 'dk-notice-text', n.text()));
    if (n.link) {
      const input = el('input', 'dk-link-text');
      input.readOnly = true;
      input.value = n.link;
      input.setAttribute('aria-label', this.host.i18n.t('decks.copyLink'));
      input.addEventListener('focus', () => input.select());
      p.append(input);
    }
    return p;
  }

  private renderLists(body: HTMLElement): void {
    const { i18n } = this.host;
    if (this.editor) body.append(button('dk-save', i18n.t('decks.save'), () => this.startForm({ kind: 'view' })));
    else body.append(el('p', 'dk-hint', i18n.t('decks.signIn')));
    if (this.loading && this.views.length === 0 && this.decks.length === 0) body.append(el('p', 'dk-hint', i18n.t('decks.loading')));

    body.append(el('h3', 'dk-section', i18n.t('decks.views')));
    const views = el('ul', 'dk-views');
    for (const v of this.views) {
      const li = el('li', 'dk-view');
      li.dataset.id = v.id;
      li.append(this.renderTitles(v.title, v.subtitle));
      const actions = el('div', 'dk-actions');
      actions.append(
        button('dk-open', i18n.t('decks.open'), () => void this.openView(v)),
        button('dk-link', i18n.t('decks.copyLink'), () => void this.copyLink(viewLink(this.opts.base, v.id))),
      );
      if (this.opts.exportDeck) {
        actions.append(this.exportButton('dk-export-view-pdf', 'decks.exportPdf', () => ({ title: v.title, subtitle: v.subtitle, views: [v] }), 'pdf'));
      }
      if (this.editor) {
        actions.append(
          button('dk-edit', i18n.t('decks.edit'), () => this.startForm({ kind: 'view', editing: v })),
          button('dk-delete', i18n.t('decks.delete'), () => void this.deleteItem('view', v.id, this.title(v.title))),
        );
      }
      li.append(actions);
      views.append(li);
    }
    if (this.views.length === 0 && !this.loading) body.append(el('p', 'dk-hint', i18n.t('decks.noViews')));
    else body.append(views);

    body.append(el('h3', 'dk-section', i18n.t('decks.decks')));
    if (this.editor) body.append(button('dk-new-deck', i18n.t('decks.newDeck'), () => this.startForm({ kind: 'deck' })));
    const decks = el('ul', 'dk-decks');
    for (const d of this.decks) {
      const li = el('li', 'dk-deck');
      li.dataset.id = d.id;
      li.append(this.renderTitles(d.title, d.subtitle, i18n.t('decks.slides', { count: d.view_ids.length })));
      const actions = el('div', 'dk-actions');
      actions.append(
        button('dk-open-deck', i18n.t('decks.open'), () => void this.openDeck(d.id)),
        button('dk-link', i18n.t('decks.copyLink'), () => void this.copyLink(deckLink(this.opts.base, d.id, 1))),
      );
      this.appendDeckActions(actions, d.id, d.view_ids.length);
      if (this.editor) {
        actions.append(button('dk-delete-deck', i18n.t('decks.delete'), () => void this.deleteItem('deck', d.id, this.title(d.title))));
      }
      li.append(actions);
      decks.append(li);
    }
    if (this.decks.length === 0 && !this.loading) body.append(el('p', 'dk-hint', i18n.t('decks.noDecks')));
    else body.append(decks);
  }

  /** Present, Copy follow link and the two exports of a deck of count slides (none of them for an empty deck). */
  private appendDeckActions(box: HTMLElement, id: string, count: number): void {
    if (count === 0) return;
    const { i18n } = this.host;
    if (this.opts.present) box.append(button('dk-present', i18n.t('decks.present'), () => void this.present(id)));
    box.append(button('dk-follow-link', i18n.t('decks.copyFollowLink'), () => void this.copyLink(followLink(this.opts.base, id))));
    if (this.opts.exportDeck) {
      box.append(this.exportButton('dk-export-pdf', 'decks.exportPdf', () => id, 'pdf'), this.exportButton('dk-export-pptx', 'decks.exportPptx', () => id, 'pptx'));
    }
  }

  private exportButton(cls: string, label: MessageKey, deck: () => string | ExportableDeck, format: DeckFormat): HTMLButtonElement {
    const b = button(cls, this.host.i18n.t(label), () => void this.exportDeck(deck(), format));
    b.disabled = this.exporting;
    return b;
  }

  private renderTitles(title: Text, subtitle: Text, extra = ''): HTMLElement {
    const box = el('div', 'dk-titles');
    box.append(el('span', 'dk-item-title', this.title(title)));
    const sub = textIn(subtitle, this.host.i18n.lang);
    if (sub) box.append(el('span', 'dk-item-subtitle', sub));
    if (extra) box.append(el('span', 'dk-item-extra', extra));
    return box;
  }

  private renderDeck(body: HTMLElement, deck: DeckWithViews): void {
    const { i18n } = this.host;
    const count = deck.views.length;
    body.append(button('dk-back', '← ' + i18n.t('decks.back'), () => {
      this.deck = null;
      this.notice = null;
      this.render();
    }));
    const head = el('div', 'dk-deck-head');
    head.append(el('h3', 'dk-deck-title', this.title(deck.title)));
    const sub = textIn(deck.subtitle, i18n.lang);
    if (sub) head.append(el('p', 'dk-deck-subtitle', sub));
    body.append(head);

    const nav = el('div', 'dk-nav');
    const prev = button('dk-prev', '‹ ' + i18n.t('decks.prev'), () => void this.goTo(this.slide - 1));
    const next = button('dk-next', i18n.t('decks.next') + ' ›', () => void this.goTo(this.slide + 1));
    prev.disabled = this.slide <= 1;
    next.disabled = count === 0 || this.slide >= count;
    const position = el('span', 'dk-position', this.slide > 0 ? i18n.t('decks.slideOf', { n: this.slide, count }) : i18n.t('decks.slides', { count }));
    nav.append(prev, position, next);
    body.append(nav);
    const links = el('div', 'dk-actions');
    links.append(button('dk-link', i18n.t('decks.copyLink'), () => void this.copyLink(deckLink(this.opts.base, deck.id, Math.max(this.slide, 1)))));
    this.appendDeckActions(links, deck.id, count);
    if (this.editor) {
      links.append(
        button('dk-edit-deck', i18n.t('decks.edit'), () => this.startForm({ kind: 'deck', editing: deck })),
        button('dk-delete-deck', i18n.t('decks.delete'), () => void this.deleteItem('deck', deck.id, this.title(deck.title))),
      );
    }
    body.append(links);

    if (count === 0) body.append(el('p', 'dk-hint', i18n.t('decks.emptyDeck')));
    else if (this.editor) body.append(el('p', 'dk-hint', i18n.t('decks.dragHint')));
    const slides = el('ol', 'dk-slides');
    deck.views.forEach((v, i) => slides.append(this.renderSlide(v, i, count)));
    body.append(slides);
    const current = deck.views[this.slide - 1];
    const notes = current ? textIn(current.notes, i18n.lang) : '';
    if (notes) body.append(el('p', 'dk-notes', notes));

    if (this.editor && this.views.length > 0) {
      body.append(el('h3', 'dk-section', i18n.t('decks.addToDeck')));
      const list = el('ul', 'dk-add-list');
      for (const v of this.views) {
        const li = el('li', 'dk-add-item');
        li.dataset.id = v.id;
        li.append(this.renderTitles(v.title, v.subtitle));
        li.append(button('dk-add', i18n.t('decks.addToDeck'), () => void this.addSlide(v), `${i18n.t('decks.addToDeck')}: ${this.title(v.title)}`));
        list.append(li);
      }
      body.append(list);
    }
  }

  private renderSlide(v: SavedView, i: number, count: number): HTMLElement {
    const { i18n } = this.host;
    const li = el('li', 'dk-slide');
    li.dataset.index = String(i);
    li.dataset.id = v.id;
    if (i === this.slide - 1) li.setAttribute('aria-current', 'step');
    const open = button('dk-goto', '', () => void this.goTo(i + 1));
    open.append(el('span', 'dk-slide-number', i18n.formatNumber(i + 1)), el('span', 'dk-item-title', this.title(v.title)));
    li.append(open);
    if (this.editor) {
      const up = button('dk-up', '↑', () => void this.moveSlide(i, i - 1), i18n.t('decks.up'));
      const down = button('dk-down', '↓', () => void this.moveSlide(i, i + 1), i18n.t('decks.down'));
      up.disabled = i === 0;
      down.disabled = i === count - 1;
      li.append(up, down, button('dk-remove', '×', () => void this.removeSlide(i), i18n.t('decks.remove')));
      li.draggable = true;
      li.addEventListener('dragstart', (e) => {
        this.dragFrom = i;
        e.dataTransfer?.setData('text/plain', String(i));
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
        li.classList.add('dk-dragging');
      });
      li.addEventListener('dragend', () => {
        this.dragFrom = -1;
        li.classList.remove('dk-dragging');
      });
      li.addEventListener('dragover', (e) => {
        if (this.dragFrom < 0) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
      });
      li.addEventListener('drop', (e) => {
        e.preventDefault();
        const from = this.dragFrom;
        this.dragFrom = -1;
        if (from >= 0 && from !== i) void this.moveSlide(from, i);
      });
    }
    return li;
  }

  private renderForm(form: Form): HTMLFormElement {
    const { i18n } = this.host;
    const f = el('form', 'dk-form');
    f.noValidate = true;
    const editing = form.editing;
    const heading: MessageKey =
      form.kind === 'view' ? (editing ? 'decks.form.editView' : 'decks.form.newView') : editing ? 'decks.form.editDeck' : 'decks.form.newDeck';
    f.append(el('h3', 'dk-section', i18n.t(heading)));
    const field = (name: string, label: MessageKey, value: string, multiline = false, lang: 'en' | 'bn' = 'en') => {
      const id = `dk-${name}`;
      const l = el('label', 'dk-field');
      l.htmlFor = id;
      l.append(el('span', '', i18n.t(label)));
      const input = multiline ? el('textarea') : el('input');
      input.id = id;
      input.name = name;
      input.lang = lang;
      input.value = value;
      l.append(input);
      f.append(l);
    };
    field('title_en', 'decks.form.titleEn', editing?.title.en ?? '');
    field('title_bn', 'decks.form.titleBn', editing?.title.bn ?? '', false, 'bn');
    field('subtitle_en', 'decks.form.subtitleEn', editing?.subtitle.en ?? '');
    field('subtitle_bn', 'decks.form.subtitleBn', editing?.subtitle.bn ?? '', false, 'bn');
    let recapture: HTMLInputElement | null = null;
    if (form.kind === 'view') {
      field('notes_en', 'decks.form.notesEn', form.editing?.notes.en ?? '', true);
      field('notes_bn', 'decks.form.notesBn', form.editing?.notes.bn ?? '', true, 'bn');
      if (form.editing) {
        const l = el('label', 'dk-check');
        recapture = el('input');
        recapture.type = 'checkbox';
        recapture.name = 'recapture';
        l.append(recapture, el('span', '', i18n.t('decks.form.recapture')));
        f.append(l);
      }
    }
    if (this.formError) {
      const err = el('p', 'dk-form-error', this.formError);
      err.setAttribute('role', 'alert');
      f.append(err);
    }
    const buttons = el('div', 'dk-actions');
    const save = el('button', 'dk-form-save', i18n.t('decks.form.save'));
    save.type = 'submit';
    buttons.append(
      save,
      button('dk-form-cancel', i18n.t('decks.form.cancel'), () => {
        this.form = null;
        this.render();
      }),
    );
    f.append(buttons);
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const values: Record<string, string> = {};
      for (const input of f.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[name], textarea[name]')) values[input.name] = input.value;
      void this.submitForm(values, recapture?.checked ?? false);
    });
    return f;
  }
}
