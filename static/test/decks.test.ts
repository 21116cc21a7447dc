import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { I18n } from '../src/core/i18n';
import type { Route } from '../src/core/router';
import { Session } from '../src/core/session';
import type { SocketLike } from '../src/live';
import type { Deck, SavedView, ViewState } from '../src/decks/api';
import { parseLink, withoutLinkKeys } from '../src/decks/link';
import { clampSlide, deckLink, droppedNotice, followLink, move, stateOf, textIn, viewLink } from '../src/decks/model';
import { DecksControl } from '../src/decks/control';
import { DecksPanel, type DecksHost, type DecksPanelOptions } from '../src/decks/panel';

describe('link keys', () => {
  const cases: { name: string; params: Record<string, string>; want: ReturnType<typeof parseLink> }[] = [
    { name: 'a saved view', params: { saved: 'v-abc' }, want: { kind: 'view', id: 'v-abc' } },
    { name: 'a deck at a slide', params: { deck: 'd-1', slide: '3' }, want: { kind: 'deck', id: 'd-1', slide: 3 } },
    { name: 'a deck without a slide opens the first', params: { deck: 'd-1' }, want: { kind: 'deck', id: 'd-1', slide: 1 } },
    { name: 'slide 0 is the first', params: { deck: 'd-1', slide: '0' }, want: { kind: 'deck', id: 'd-1', slide: 1 } },
    { name: 'a slide that is no number is the first', params: { deck: 'd-1', slide: 'two' }, want: { kind: 'deck', id: 'd-1', slide: 1 } },
    { name: 'a fractional slide is the first', params: { deck: 'd-1', slide: '2.5' }, want: { kind: 'deck', id: 'd-1', slide: 1 } },
    { name: 'saved wins over deck', params: { deck: 'd-1', saved: 'v-2' }, want: { kind: 'view', id: 'v-2' } },
    { name: 'blank ids ask for nothing', params: { saved: ' ', deck: '' }, want: null },
    { name: 'a plain map link asks for nothing', params: { z: '7', lon: '90', lat: '23' }, want: null },
  ];
  for (const c of cases) {
    it(`reads ${c.name}`, () => expect(parseLink(c.params)).toEqual(c.want));
  }

  it('are never kept in a saved state, whose explore view is ""', () => {
    const route: Route = { view: 'explore', params: { z: '7', saved: 'v-1', deck: 'd', slide: '2', present: 'd', follow: 'd', sel: 'E-1' } };
    expect(stateOf(route)).toEqual({ v: 1, view: '', params: { z: '7', sel: 'E-1' } });
    expect(stateOf({ view: 'clusters', params: { mode: 'lq' } })).toEqual({ v: 1, view: 'clusters', params: { mode: 'lq' } });
    expect(withoutLinkKeys({ saved: 'x', lon: '90' })).toEqual({ lon: '90' });
  });

  it('make share links that parse back', () => {
    const base = 'http://host:8080/';
    const v = viewLink(base, 'v-a b');
    expect(v).toBe('http://host:8080/#saved=v-a%20b');
    expect(parseLink(Object.fromEntries(new URLSearchParams(v.split('#')[1])))).toEqual({ kind: 'view', id: 'v-a b' });
    const d = deckLink(base, 'd-1', 4);
    expect(parseLink(Object.fromEntries(new URLSearchParams(d.split('#')[1])))).toEqual({ kind: 'deck', id: 'd-1', slide: 4 });
    expect(followLink(base, 'd-1 x')).toBe('http://host:8080/#follow=d-1%20x');
  });
});

describe('deck model', () => {
  const moves: { name: string; from: number; to: number; want: string[] }[] = [
    { name: 'up', from: 2, to: 1, want: ['a', 'c', 'b', 'd'] },
    { name: 'down', from: 0, to: 1, want: ['b', 'a', 'c', 'd'] },
    { name: 'first to last (drag)', from: 0, to: 3, want: ['b', 'c', 'd', 'a'] },
    { name: 'last to first (drag)', from: 3, to: 0, want: ['d', 'a', 'b', 'c'] },
    { name: 'past the end stays last', from: 1, to: 9, want: ['a', 'c', 'd', 'b'] },
    { name: 'from outside the list changes nothing', from: 7, to: 0, want: ['a', 'b', 'c', 'd'] },
  ];
  for (const c of moves) {
    it(`moves ${c.name}`, () => expect(move(['a', 'b', 'c', 'd'], c.from, c.to)).toEqual(c.want));
  }

  it('keeps slides within the deck and texts in a language with a fallback', () => {
    expect([clampSlide(0, 3), clampSlide(2, 3), clampSlide(9, 3), clampSlide(4, 0)]).toEqual([1, 2, 3, 1]);
    expect(textIn({ en: 'LQ', bn: '' }, 'bn')).toBe('LQ');
    expect(textIn({ en: ' ', bn: 'এলকিউ' }, 'en')).toBe('এলকিউ');
  });

  it('says nothing when nothing was dropped, and whether a newer version saved the view', () => {
    const state: ViewState = { v: 2, view: 'someday', params: { z: '5', colour: 'red' } };
    expect(droppedNotice(state, [])).toBeNull();
    expect(droppedNotice(state, ['view', 'colour'])).toEqual({ newer: true, params: ['colour'], view: 'someday' });
    expect(droppedNotice({ ...state, v: 1 }, ['colour'])).toEqual({ newer: false, params: ['colour'], view: '' });
  });
});

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
}

// A small in-memory /api/views and /api/decks behind fetch.
class FakeServer {
  views = new Map<string, SavedView>();
  decks = new Map<string, Deck>();
  requests: { method: string; path: string; body?: unknown; auth?: string }[] = [];
  private n = 0;

  view(id: string, title: string, state: Partial<ViewState> = {}): SavedView {
    const v: SavedView = {
      id,
      title: { en: title, bn: '' },
      subtitle: { en: '', bn: '' },
      notes: { en: `notes of ${title}`, bn: '' },
      state: { v: 1, view: '', params: { z: '7' }, ...state },
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    };
    this.views.set(id, v);
    return v;
  }

  deck(id: string, viewIDs: string[]): Deck {
    const d: Deck = { id, title: { en: 'Board', bn: 'বোর্ড' }, subtitle: { en: '', bn: '' }, view_ids: viewIDs, created_at: '', updated_at: '' };
    this.decks.set(id, d);
    return d;
  }

  fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    const auth = (init.headers as Record<string, string>)?.Authorization;
    this.requests.push({ method, path: input, body, auth });
    const json = (status: number, doc: unknown) => new Response(JSON.stringify(doc), { status, headers: { 'Content-Type': 'application/json' } });
    const notFound = (what: string) => json(404, { error: { code: 'not_found', message: `no ${what}` } });
    const [, , kind, rawID] = input.split('/');
    const id = rawID ? decodeURIComponent(rawID) : '';
    if (method !== 'GET' && !auth) return json(401, { error: { code: 'unauthorized', message: 'writing needs an API token' } });
    if (kind === 'views') {
      if (!id && method === 'GET') return json(200, { views: [...this.views.values()].reverse() });
      if (!id && method === 'POST') {
        const v = { ...this.view(`v-new${++this.n}`, ''), ...body };
        this.views.set(v.id, v);
        return json(201, v);
      }
      const v = this.views.get(id);
      if (!v) return notFound(`saved view "${id}"`);
      if (method === 'GET') return json(200, v);
      if (method === 'PUT') return json(200, Object.assign(v, body));
      this.views.delete(id);
      for (const d of this.decks.values()) d.view_ids = d.view_ids.filter((x) => x !== id);
      return new Response(null, { status: 204 });
    }
    if (!id && method === 'GET') return json(200, { decks: [...this.decks.values()].reverse() });
    if (!id && method === 'POST') {
      const d = { ...this.deck(`d-new${++this.n}`, []), ...body };
      this.decks.set(d.id, d);
      return json(201, d);
    }
    const d = this.decks.get(id);
    if (!d) return notFound(`deck "${id}"`);
    if (method === 'GET') return json(200, { ...d, views: d.view_ids.map((x) => this.views.get(x)) });
    if (method === 'PUT') return json(200, Object.assign(d, body));
    this.decks.delete(id);
    return new Response(null, { status: 204 });
  };
}

/** Waits until the panel's requests and renders have settled. */
const settle = () => new Promise((r) => setTimeout(r, 0)).then(() => new Promise((r) => setTimeout(r, 0)));

async function setup(opts: { lang?: 'en' | 'bn'; editor?: boolean; route?: Route; dropped?: string[] } & Pick<DecksPanelOptions, 'present' | 'exportDeck'> = {}) {
  const server = new FakeServer();
  vi.stubGlobal('fetch', server.fetch);
  const i18n = new I18n(undefined, opts.lang ?? 'en');
  const session = new Session(undefined, async () => ({ id: 'tok_e', name: 'editor', role: 'editor' }));
  if (opts.editor) await session.signIn('gct_secret');
  const router = { current: opts.route ?? { view: 'explore', params: { z: '7' } }, replace: vi.fn() };
  const opened: ViewState[] = [];
  const host: DecksHost = {
    i18n,
    session,
    router,
    open: async (state) => {
      opened.push(state);
      return { dropped: opts.dropped ?? [] };
    },
  };
  const root = document.createElement('div');
  document.body.append(root);
  const confirm = vi.fn(() => true);
  const sockets: FakeSocket[] = [];
  const panel = new DecksPanel(host, root, {
    base: 'http://guccho/',
    duration: 0,
    confirm,
    copy: () => Promise.reject(new Error('no clipboard')),
    createSocket: (url) => (sockets[sockets.length] = new FakeSocket(url)),
    present: opts.present,
    exportDeck: opts.exportDeck,
  });
  return { server, i18n, session, router, opened, root, panel, confirm, sockets };
}

const texts = (root: HTMLElement, sel: string) => [...root.querySelectorAll(sel)].map((e) => e.textContent);
const click = (root: HTMLElement, sel: string) => {
  const b = root.querySelector<HTMLButtonElement>(sel);
  if (!b) throw new Error(`no ${sel}`);
  b.click();
};

describe('DecksPanel', () => {
  beforeEach(() => vi.unstubAllGlobals());
  afterEach(() => document.body.replaceChildren());

  it('names what an opened view dropped, in English and in Bangla', async () => {
    const { server, root, panel, i18n, opened } = await setup({ dropped: ['view', 'colour'] });
    server.view('v-new', 'From the future', { v: 2, view: 'someday', params: { z: '7', colour: 'red', saved: 'v-new' } });
    await panel.show();
    click(root, '.dk-view[data-id="v-new"] .dk-open');
    await settle();
    expect(opened[0]).toEqual({ v: 2, view: 'someday', params: { z: '7', colour: 'red' } });
    expect(root.querySelector('.dk-notice-dropped')?.textContent).toBe('This view was saved by a newer version; not shown: the view “someday”, colour.');
    i18n.setLang('bn');
    expect(root.querySelector('.dk-notice-dropped')?.textContent).toBe('এই ভিউটি নতুন সংস্করণে সংরক্ষিত; দেখানো হয়নি: ভিউ “someday”, colour।');
  });

  it('shows no notice when the view opens whole', async () => {
    const { server, root, panel } = await setup();
    server.view('v-1', 'LQ');
    await panel.show();
    click(root, '.dk-view .dk-open');
    await settle();
    expect(root.querySelector('.dk-notice')).toBeNull();
  });

  it('hides every editor button from someone not signed in', async () => {
    const { server, root, panel } = await setup();
    server.view('v-1', 'LQ');
    server.deck('d-1', ['v-1']);
    await panel.show();
    expect(texts(root, '.dk-view .dk-item-title')).toEqual(['LQ']);
    expect(root.querySelectorAll('.dk-save, .dk-edit, .dk-delete, .dk-new-deck, .dk-delete-deck').length).toBe(0);
    expect(root.querySelector('.dk-hint')?.textContent).toBe('Editors who sign in can save views and make decks.');
    await panel.openDeck('d-1');
    expect(root.querySelectorAll('.dk-up, .dk-down, .dk-remove, .dk-add, .dk-edit-deck').length).toBe(0);
    expect(root.querySelector('.dk-slide')?.getAttribute('draggable')).toBeNull();
  });

  it('reorders slides with the arrows and by drag, saving the order and following the current slide', async () => {
    const { server, root, panel, opened } = await setup({ editor: true });
    for (const id of ['a', 'b', 'c']) server.view(id, id.toUpperCase());
    server.deck('d-1', ['a', 'b', 'c']);
    await panel.openDeck('d-1', 1);
    expect(opened.length).toBe(1);
    expect(root.querySelector('.dk-position')?.textContent).toBe('Slide 1 of 3');

    click(root, '.dk-slide[data-index="0"] .dk-down');
    await settle();
    expect(server.requests.find((r) => r.method === 'PUT')).toMatchObject({ method: 'PUT', path: '/api/decks/d-1', body: { view_ids: ['b', 'a', 'c'] }, auth: 'Bearer gct_secret' });
    expect(texts(root, '.dk-slide .dk-item-title')).toEqual(['B', 'A', 'C']);
    expect(root.querySelector('.dk-slide[aria-current] .dk-item-title')?.textContent).toBe('A');
    expect(root.querySelector('.dk-position')?.textContent).toBe('Slide 2 of 3');

    const slide = (i: number) => root.querySelector<HTMLElement>(`.dk-slide[data-index="${i}"]`)!;
    slide(2).dispatchEvent(new Event('dragstart'));
    const over = new Event('dragover', { cancelable: true });
    slide(0).dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    slide(0).dispatchEvent(new Event('drop', { cancelable: true }));
    await settle();
    expect(server.decks.get('d-1')!.view_ids).toEqual(['c', 'b', 'a']);
    expect(root.querySelector('.dk-slide[aria-current] .dk-item-title')?.textContent).toBe('A');

    click(root, '.dk-slide[data-index="1"] .dk-remove');
    await settle();
    expect(server.decks.get('d-1')!.view_ids).toEqual(['c', 'a']);
    click(root, '.dk-add-item[data-id="b"] .dk-add');
    await settle();
    expect(server.decks.get('d-1')!.view_ids).toEqual(['c', 'a', 'b']);
    expect(root.querySelector('.dk-notice')?.textContent).toBe('Added “B” as slide 3.');
    expect(root.querySelector<HTMLButtonElement>('.dk-slide[data-index="0"] .dk-up')?.disabled).toBe(true);
    expect(root.querySelector<HTMLButtonElement>('.dk-slide[data-index="2"] .dk-down')?.disabled).toBe(true);
  });

  it('steps through a deck with Previous and Next', async () => {
    const { server, root, panel, opened } = await setup();
    server.view('a', 'A', { params: { z: '5' } });
    server.view('b', 'B', { view: 'clusters', params: { z: '8', mode: 'lq' } });
    server.deck('d-1', ['a', 'b']);
    await panel.openDeck('d-1', 9);
    expect(root.querySelector('.dk-position')?.textContent).toBe('Slide 2 of 2');
    expect(opened.at(-1)).toEqual({ v: 1, view: 'clusters', params: { z: '8', mode: 'lq' } });
    expect(root.querySelector('.dk-notes')?.textContent).toBe('notes of B');
    expect(root.querySelector<HTMLButtonElement>('.dk-next')?.disabled).toBe(true);
    click(root, '.dk-prev');
    await settle();
    expect(opened.at(-1)?.params).toEqual({ z: '5' });
    expect(root.querySelector('.dk-position')?.textContent).toBe('Slide 1 of 2');
  });

  it('follows a link: the link keys leave the hash, then the view opens', async () => {
    const { server, router, panel, opened } = await setup({ route: { view: 'explore', params: { saved: 'v-1', z: '3' } } });
    server.view('v-1', 'LQ', { view: 'clusters', params: { z: '8' } });
    await panel.followLink();
    expect(router.replace).toHaveBeenCalledWith({ z: '3' }, 'explore');
    expect(opened).toEqual([{ v: 1, view: 'clusters', params: { z: '8' } }]);
    expect(panel.isOpen).toBe(true);
  });

  it('opens a deck link at its slide', async () => {
    const { server, panel, opened } = await setup({ route: { view: 'explore', params: { deck: 'd-1', slide: '2' } } });
    server.view('a', 'A', { params: { z: '5' } });
    server.view('b', 'B', { params: { z: '6' } });
    server.deck('d-1', ['a', 'b']);
    await panel.followLink();
    expect(panel.shownDeck?.slide).toBe(2);
    expect(opened).toEqual([{ v: 1, view: '', params: { z: '6' } }]);
  });

  const missing: { name: string; params: Record<string, string>; en: string; bn: string }[] = [
    { name: 'deck', params: { deck: 'd-gone' }, en: 'There is no deck “d-gone” on this server.', bn: 'এই সার্ভারে “d-gone” নামে কোনো ডেক নেই।' },
    { name: 'view', params: { saved: 'v-gone' }, en: 'There is no saved view “v-gone” on this server.', bn: 'এই সার্ভারে “v-gone” নামে কোনো সংরক্ষিত ভিউ নেই।' },
  ];
  for (const c of missing) {
    it(`says an unknown ${c.name} id was not found, in both languages`, async () => {
      for (const lang of ['en', 'bn'] as const) {
        const { root, panel, opened } = await setup({ lang, route: { view: 'explore', params: c.params } });
        await panel.followLink();
        await settle();
        expect(root.querySelector('.dk-notice-error')?.textContent).toBe(c[lang]);
        expect(opened).toEqual([]);
        document.body.replaceChildren();
      }
    });
  }

  it('saves the map as it is, with titles and notes in both languages, and refuses a view without a title', async () => {
    const route: Route = { view: 'clusters', params: { z: '8', lon: '90.9', lat: '24', mode: 'lq', deck: 'd-1' } };
    const { server, root, panel } = await setup({ editor: true, route });
    await panel.show();
    click(root, '.dk-save');
    const form = root.querySelector<HTMLFormElement>('.dk-form')!;
    form.requestSubmit();
    await settle();
    expect(root.querySelector('.dk-form-error')?.textContent).toBe('Give a title in English or Bangla.');
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);

    const set = (name: string, value: string) => (root.querySelector<HTMLInputElement>(`[name="${name}"]`)!.value = value);
    set('title_bn', 'ভৈরবে এলকিউ');
    set('notes_en', 'Bhairab stands out.');
    root.querySelector<HTMLFormElement>('.dk-form')!.requestSubmit();
    await settle();
    const post = server.requests.find((r) => r.method === 'POST');
    expect(post?.body).toEqual({
      title: { en: '', bn: 'ভৈরবে এলকিউ' },
      subtitle: { en: '', bn: '' },
      notes: { en: 'Bhairab stands out.', bn: '' },
      state: { v: 1, view: 'clusters', params: { z: '8', lon: '90.9', lat: '24', mode: 'lq' } },
    });
    expect(root.querySelector('.dk-form')).toBeNull();
    expect(texts(root, '.dk-view .dk-item-title')).toEqual(['ভৈরবে এলকিউ']);
  });

  it('edits a view’s texts and keeps its map unless asked, and deletes after asking', async () => {
    const { server, root, panel, confirm } = await setup({ editor: true });
    server.view('v-1', 'LQ', { params: { z: '9' } });
    await panel.show();
    click(root, '.dk-view .dk-edit');
    expect(root.querySelector<HTMLInputElement>('[name="title_en"]')?.value).toBe('LQ');
    root.querySelector<HTMLInputElement>('[name="title_en"]')!.value = 'LQ, footwear';
    root.querySelector<HTMLFormElement>('.dk-form')!.requestSubmit();
    await settle();
    const put = server.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/api/views/v-1');
    expect(put?.body).not.toHaveProperty('state');
    expect(server.views.get('v-1')?.state.params).toEqual({ z: '9' });

    confirm.mockReturnValueOnce(false);
    click(root, '.dk-view .dk-delete');
    await settle();
    expect(server.views.has('v-1')).toBe(true);
    click(root, '.dk-view .dk-delete');
    await settle();
    expect(confirm).toHaveBeenLastCalledWith('Delete the view “LQ, footwear”? It also leaves every deck.');
    expect(server.views.has('v-1')).toBe(false);
    expect(root.querySelector('.dk-view')).toBeNull();
  });

  it('follows the decks topic while open: another editor’s change reloads the lists', async () => {
    const { server, root, panel, sockets } = await setup();
    server.view('v-1', 'LQ');
    expect(sockets).toEqual([]);
    await panel.show();
    expect(sockets.length).toBe(1);
    const socket = sockets[0];
    socket.open();
    expect(socket.sent).toMatchObject([{ type: 'subscribe', topics: ['decks'] }]);
    socket.receive({ type: 'subscribed', last_event_id: 3, topics: ['decks'] });
    server.view('v-2', 'Hot spots');
    socket.receive({ type: 'event', event: { id: 4, type: 'decks.changed', payload: { action: 'created', kind: 'view', id: 'v-2' } } });
    await vi.waitFor(() => expect(texts(root, '.dk-view .dk-item-title')).toEqual(['Hot spots', 'LQ']));
    panel.hide();
    expect(socket.closed).toBe(true);
  });

  it('presents a deck from its row and from the deck shown, closing the panel; an empty deck has no Present', async () => {
    const present = vi.fn(async () => null);
    const { server, root, panel } = await setup({ present });
    server.view('a', 'A');
    server.deck('d-1', ['a']);
    server.deck('d-0', []);
    await panel.show();
    expect(root.querySelector('.dk-deck[data-id="d-0"] .dk-present')).toBeNull();
    click(root, '.dk-deck[data-id="d-1"] .dk-present');
    await settle();
    expect(present).toHaveBeenCalledWith('d-1');
    expect(panel.isOpen).toBe(false);
    await panel.openDeck('d-1');
    click(root, '.dk-actions .dk-present');
    expect(present).toHaveBeenCalledTimes(2);
  });

  it('has no Present or Export buttons without the app’s actions', async () => {
    const { server, root, panel } = await setup();
    server.view('a', 'A');
    server.deck('d-1', ['a']);
    await panel.show();
    expect(root.querySelectorAll('.dk-present, .dk-export-pdf, .dk-export-pptx, .dk-export-view-pdf').length).toBe(0);
    expect(root.querySelector('.dk-follow-link')).not.toBeNull();
  });

  it('copies the follow link, showing it to copy by hand when the clipboard refuses, in both languages', async () => {
    const { server, root, panel, i18n } = await setup();
    server.view('a', 'A');
    server.deck('d-1', ['a']);
    await panel.show();
    expect(root.querySelector('.dk-deck .dk-follow-link')?.textContent).toBe('Copy follow link');
    click(root, '.dk-deck .dk-follow-link');
    await settle();
    expect(root.querySelector('.dk-notice-text')?.textContent).toBe('Copy this link:');
    expect(root.querySelector<HTMLInputElement>('.dk-link-text')?.value).toBe('http://guccho/#follow=d-1');
    i18n.setLang('bn');
    expect(root.querySelector('.dk-deck .dk-follow-link')?.textContent).toBe('অনুসরণের লিংক কপি করুন');
  });

  it('exports a deck to PDF with a progress line, one export at a time, then names the file', async () => {
    let step!: (done: number, total: number) => void;
    let finish!: () => void;
    const exportDeck = vi.fn(
      (_deck: unknown, _format: string, onProgress: (done: number, total: number) => void) =>
        new Promise<{ filename: string; pages: number }>((resolve) => {
          step = onProgress;
          finish = () => resolve({ filename: 'guccho-board.pdf', pages: 3 });
        }),
    );
    const { server, root, panel, i18n } = await setup({ exportDeck });
    for (const id of ['a', 'b', 'c']) server.view(id, id.toUpperCase());
    server.deck('d-1', ['a', 'b', 'c']);
    await panel.show();
    click(root, '.dk-deck .dk-export-pdf');
    await settle();
    const [deck, format] = exportDeck.mock.calls[0];
    expect(format).toBe('pdf');
    expect((deck as { views: SavedView[] }).views.map((v) => v.id)).toEqual(['a', 'b', 'c']);
    const progress = () => root.querySelector('.dk-notice-progress')?.textContent;
    expect(progress()).toBe('PDF: page 1 of 3…');
    expect(root.querySelector<HTMLButtonElement>('.dk-deck .dk-export-pptx')?.disabled).toBe(true);
    click(root, '.dk-deck .dk-export-pptx'); // disabled: nothing starts
    step(1, 3);
    step(2, 3);
    expect(progress()).toBe('PDF: page 3 of 3…');
    i18n.setLang('bn');
    expect(progress()).toBe('পিডিএফ: পৃষ্ঠা ৩ / ৩…');
    i18n.setLang('en');
    step(3, 3);
    expect(progress()).toBe('Writing the PDF file…');
    finish();
    await settle();
    expect(exportDeck).toHaveBeenCalledTimes(1);
    expect(root.querySelector('.dk-notice')?.textContent).toBe('Saved guccho-board.pdf (3 pages).');
    expect(root.querySelector<HTMLButtonElement>('.dk-deck .dk-export-pptx')?.disabled).toBe(false);
  });

  it('exports the deck shown to PowerPoint and a single view to PDF, and says why an export failed', async () => {
    const exportDeck = vi.fn(async (deck: { views: SavedView[] }, format: string) => {
      if (format === 'pptx') throw new Error('the map could not be drawn');
      return { filename: 'guccho-a.pdf', pages: deck.views.length };
    });
    const { server, root, panel, i18n } = await setup({ exportDeck: exportDeck as unknown as DecksPanelOptions['exportDeck'] });
    server.view('a', 'A');
    server.deck('d-1', ['a']);
    await panel.openDeck('d-1');
    click(root, '.dk-actions .dk-export-pptx');
    await settle();
    expect(exportDeck.mock.calls[0][1]).toBe('pptx');
    expect(root.querySelector('.dk-notice-error')?.textContent).toBe('The export failed: the map could not be drawn');
    i18n.setLang('bn');
    expect(root.querySelector('.dk-notice-error')?.textContent).toBe('রপ্তানি ব্যর্থ হয়েছে: the map could not be drawn');
    i18n.setLang('en');
    click(root, '.dk-back');
    await panel.reload();
    click(root, '.dk-view[data-id="a"] .dk-export-view-pdf');
    await settle();
    const [deck, format] = exportDeck.mock.calls[1];
    expect(format).toBe('pdf');
    expect(deck).toMatchObject({ title: { en: 'A' }, views: [{ id: 'a' }] });
    expect(root.querySelector('.dk-notice')?.textContent).toBe('Saved guccho-a.pdf (1 page).');
  });

  it('shows a share link to copy when the clipboard refuses', async () => {
    const { server, root, panel } = await setup();
    server.deck('d-1', []);
    await panel.show();
    click(root, '.dk-deck .dk-link');
    await settle();
    expect(root.querySelector('.dk-notice-text')?.textContent).toBe('Copy this link:');
    expect(root.querySelector<HTMLInputElement>('.dk-link-text')?.value).toBe('http://guccho/#deck=d-1&slide=1');
  });
});

describe('DecksControl', () => {
  it('is a Views button in the interface language that says whether the panel is open, and cleans up', () => {
    const i18n = new I18n(undefined, 'en');
    const toggle = vi.fn();
    const control = new DecksControl(i18n, toggle);
    const box = control.onAdd({} as never);
    const b = box.querySelector('button')!;
    expect([b.textContent, b.title, b.getAttribute('aria-expanded')]).toEqual(['Views', 'Saved views and decks', 'false']);
    i18n.setLang('bn');
    expect(b.textContent).toBe('ভিউ');
    b.click();
    expect(toggle).toHaveBeenCalledTimes(1);
    control.setExpanded(true);
    expect(b.getAttribute('aria-expanded')).toBe('true');
    control.onRemove();
    b.click();
    i18n.setLang('en');
    expect(toggle).toHaveBeenCalledTimes(1);
    expect(b.textContent).toBe('ভিউ');
  });
});
