import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App, SavedState } from '../src/app';
import { I18n } from '../src/core/i18n';
import { OverlayRegistry } from '../src/core/overlays';
import type { SocketLike } from '../src/live';
import { keyAction, SlideController } from '../src/present/controller';
import type { Deck } from '../src/present/deck';
import { Following } from '../src/present/follow';
import { FollowState } from '../src/present/follow-state';
import { LABEL_SCALE, Presentation, TRANSITION_MS } from '../src/present/mode';
import { formatElapsed, slideMessage, type ChannelLike, type NotesMessage } from '../src/present/notes-sync';
import { NotesPage } from '../src/present/notes-page';
import { MOVE_EVERY_MS, PresentationSocket, type Position } from '../src/present/relay';
import { fakeMap } from './fake-map';

const text = (en: string, bn = '') => ({ en, bn });
const state = (z: string, view = 'explore'): SavedState => ({ view, params: { z, lon: '90.4', lat: '23.8' } });

/** A deck of three slides: Dhaka dairy, Bhairab footwear, Bogura light engineering. */
const deck: Deck = {
  id: 'd1',
  title: text('Clusters 2026'),
  subtitle: text(''),
  view_ids: ['v1', 'v2', 'v3'],
  views: [
    { id: 'v1', title: text('Dairy around Dhaka', 'ঢাকার চারপাশে দুগ্ধ'), subtitle: text('Upazilas'), notes: text('Start here.', 'এখান থেকে শুরু।'), state: state('7') },
    { id: 'v2', title: text('Bhairab footwear', 'ভৈরবের পাদুকা'), subtitle: text(''), notes: text('', 'ভৈরব'), state: state('10', 'clusters') },
    { id: 'v3', title: text('Bogura light engineering'), subtitle: text(''), notes: text('Last words.'), state: state('9') },
  ],
};

/** A WebSocket stand-in that the test opens and feeds by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  sent: Record<string, unknown>[] = [];
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  /** Opens and answers the subscribe message. */
  connect() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
    this.receive({ type: 'subscribed', last_event_id: 0, topics: ['presentations'] });
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent);
  }
  presents() {
    return this.sent.filter((m) => m.type === 'present');
  }
}

function socketFor(role: 'presenter' | 'follower') {
  const sockets: FakeSocket[] = [];
  const socket = new PresentationSocket('d1', role, {
    token: () => (role === 'presenter' ? 'gct_editor' : null),
    location: { protocol: 'http:', host: 'map.test' },
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    online: () => true,
    random: () => 0.5,
  });
  return { socket, sockets, last: () => sockets[sockets.length - 1] };
}

const moved = (id: number, slide: number, z: string, d = 'd1') => ({
  type: 'event',
  event: { id, type: 'presentation.moved', payload: { deck: d, slide, state: { v: 1, view: 'explore', params: { z } } } },
});

/** A channel pair standing in for BroadcastChannel between two windows. */
function channels() {
  const a: ChannelLike & { log: NotesMessage[] } = { log: [], onmessage: null, postMessage: (m) => b.onmessage?.({ data: m } as MessageEvent), close() {} };
  const b: ChannelLike & { log: NotesMessage[] } = { log: [], onmessage: null, postMessage: (m) => a.onmessage?.({ data: m } as MessageEvent), close() {} };
  const record = (c: typeof a) => {
    const post = c.postMessage;
    c.postMessage = (m) => {
      c.log.push(m as NotesMessage);
      post(m);
    };
  };
  record(a);
  record(b);
  return [a, b] as const;
}

/** An App with a fake map whose open() records the states opened and resolves at once. */
function fakeApp(role: string | null = 'editor') {
  const calls: string[] = [];
  const map = Object.assign(fakeMap(), {
    container: document.createElement('div'),
    keyboard: { enabled: true, disable() { this.enabled = false; }, enable() { this.enabled = true; } },
    getContainer() { return this.container; },
    getCenter: () => ({ lng: 90.4, lat: 23.8 }),
    getZoom: () => 7,
    resize() {
      calls.push('resize');
      return map;
    },
    once(type: string, fn: (e: unknown) => void) {
      const once = (e: unknown) => {
        map.off(type, once);
        fn(e);
      };
      return map.on(type, once);
    },
  });
  document.body.append(map.container);
  const opened: { state: SavedState; duration?: number }[] = [];
  const app = {
    map,
    i18n: new I18n(),
    session: { me: role ? { role } : null, bearer: role ? 'gct_editor' : null, onChange: () => () => {} },
    overlays: new OverlayRegistry(),
    view: 'explore',
    open: vi.fn(async (s: SavedState, opts: { duration?: number } = {}) => {
      calls.push('open');
      opened.push({ state: s, duration: opts.duration });
      return { dropped: [] };
    }),
  };
  return { app: app as unknown as App, map, opened, calls };
}

const key = (k: string, init: KeyboardEventInit = {}) => window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('keyAction', () => {
  const cases: [string, string | null][] = [
    ['ArrowRight', 'next'],
    ['ArrowDown', 'next'],
    ['PageDown', 'next'],
    [' ', 'next'],
    ['ArrowLeft', 'prev'],
    ['ArrowUp', 'prev'],
    ['PageUp', 'prev'],
    ['Backspace', 'prev'],
    ['Home', 'first'],
    ['End', 'last'],
    ['Escape', 'leave'],
    ['a', null],
    ['Enter', null],
  ];
  for (const [k, want] of cases) it(`${JSON.stringify(k)} → ${want}`, () => expect(keyAction(k)).toBe(want));
  it('leaves keys held with Ctrl, Alt or Meta to the browser', () => {
    expect(keyAction('ArrowRight', { ctrlKey: true })).toBeNull();
    expect(keyAction('PageDown', { altKey: true })).toBeNull();
    expect(keyAction('Home', { metaKey: true })).toBeNull();
  });
});

describe('SlideController', () => {
  it('moves within the deck and reports no change at its bounds', () => {
    const s = new SlideController(3);
    expect(s.apply('prev')).toBeNull();
    expect(s.apply('next')).toBe(1);
    expect(s.apply('next')).toBe(2);
    expect(s.apply('next')).toBeNull();
    expect(s.atLast).toBe(true);
    expect(s.apply('first')).toBe(0);
    expect(s.apply('first')).toBeNull();
    expect(s.apply('last')).toBe(2);
    expect(s.apply('leave')).toBeNull();
    expect(s.index).toBe(2);
  });
  it('clamps a start and a jump to the deck', () => {
    expect(new SlideController(3, 7).index).toBe(2);
    expect(new SlideController(3, -4).index).toBe(0);
    const s = new SlideController(3);
    expect(s.go(99)).toBe(2);
    expect(s.go(Number.NaN)).toBe(0);
  });
});

describe('FollowState', () => {
  const at = (slide: number): Position => ({ deck: 'd1', slide, state: state(String(7 + slide)) });

  it('waits, follows each position, pauses when the follower moves and rejoins at the latest', () => {
    const f = new FollowState();
    expect(f.mode).toBe('waiting');
    expect(f.rejoin()).toBeNull();
    expect(f.receive(at(0))).toEqual(at(0));
    expect(f.mode).toBe('following');
    expect(f.canRejoin).toBe(false);

    expect(f.userMoved()).toBe(true);
    expect(f.userMoved()).toBe(false);
    expect(f.mode).toBe('paused');
    expect(f.canRejoin).toBe(true);
    // While paused, positions are kept but not shown.
    expect(f.receive(at(1))).toBeNull();
    expect(f.receive(at(2))).toBeNull();
    expect(f.latest).toEqual(at(2));

    expect(f.rejoin()).toEqual(at(2));
    expect(f.mode).toBe('following');
    expect(f.receive(at(1))).toEqual(at(1));
  });
  it('a follower who looks around before the first position can rejoin once it comes', () => {
    const f = new FollowState();
    f.userMoved();
    expect(f.canRejoin).toBe(false);
    expect(f.receive(at(1))).toBeNull();
    expect(f.canRejoin).toBe(true);
  });
});

describe('PresentationSocket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a follower subscribes to its deck as a follower and hears that deck’s positions only', () => {
    const { socket, last } = socketFor('follower');
    const got: Position[] = [];
    socket.onPosition((p) => got.push(p));
    socket.start();
    last().connect();
    expect(last().url).toBe('ws://map.test/ws');
    expect(last().sent[0]).toEqual({ type: 'subscribe', topics: ['presentations'], deck: 'd1', follow: true, last_event_id: 0 });
    last().receive(moved(5, 1, '9'));
    last().receive(moved(6, 3, '4', 'other'));
    last().receive({ type: 'event', event: { id: 7, type: 'presentation.moved', payload: { deck: 'd1' } } });
    expect(got).toEqual([{ deck: 'd1', slide: 1, state: { v: 1, view: 'explore', params: { z: '9' } } }]);
    socket.stop();
  });

  it('a presenter connects with its token, sends at most one position per interval and always the last', () => {
    const { socket, last } = socketFor('presenter');
    socket.start();
    last().connect();
    expect(last().url).toBe('ws://map.test/ws?token=gct_editor');
    expect(last().sent[0]).toMatchObject({ type: 'subscribe', topics: ['presentations'], deck: 'd1' });
    expect(last().sent[0].follow).toBeUndefined();
    const at = (z: string): Position => ({ deck: 'd1', slide: 0, state: state(z) });
    socket.send(at('7'));
    socket.send(at('7.5'));
    socket.send(at('8'));
    expect(last().presents().map((m) => (m.state as SavedState).params.z)).toEqual(['7']);
    vi.advanceTimersByTime(MOVE_EVERY_MS);
    expect(last().presents().map((m) => (m.state as SavedState).params.z)).toEqual(['7', '8']);
    expect(last().presents()[1]).toEqual({ type: 'present', deck: 'd1', slide: 0, state: { v: 1, view: 'explore', params: { z: '8', lon: '90.4', lat: '23.8' } } });
    socket.stop();
  });

  it('a position sent while disconnected goes out once the socket is subscribed again', () => {
    const { socket, sockets, last } = socketFor('presenter');
    socket.start();
    socket.send({ deck: 'd1', slide: 2, state: state('9') });
    expect(sockets.length).toBe(1);
    last().connect();
    expect(last().presents()).toHaveLength(1);
    expect(last().presents()[0].slide).toBe(2);
    socket.stop();
  });

  it('tells a presenter the follower total of its deck', () => {
    const { socket, last } = socketFor('presenter');
    const counts: number[] = [];
    socket.onFollowers((n) => counts.push(n));
    socket.start();
    last().connect();
    last().receive({ type: 'event', event: { id: 0, type: 'presentation.audience', payload: { deck: 'd1', followers: 2 } } });
    last().receive({ type: 'event', event: { id: 0, type: 'presentation.audience', payload: { deck: 'd2', followers: 9 } } });
    last().receive({ type: 'event', event: { id: 0, type: 'presentation.audience', payload: { deck: 'd1', followers: 1 } } });
    expect(counts).toEqual([2, 1]);
    socket.stop();
  });
});

describe('speaker notes', () => {
  it('the slide message carries the slide’s notes, the next title (none on the last) and the start', () => {
    expect(slideMessage(deck, 0, 1000)).toEqual({
      type: 'slide', deck: 'd1', index: 0, count: 3, title: deck.views[0].title, notes: deck.views[0].notes, next: deck.views[1].title, startedAt: 1000,
    });
    expect(slideMessage(deck, 2, 1000).next).toBeNull();
  });
  it('formats the elapsed time', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(65_400)).toBe('1:05');
    expect(formatElapsed(3_726_000)).toBe('1:02:06');
    expect(formatElapsed(-5)).toBe('0:00');
  });
  it('the notes window says hello, shows the slide in the chosen language and sends Next', () => {
    const [presenterSide, notesSide] = channels();
    const heard: NotesMessage[] = [];
    presenterSide.onmessage = (ev) => heard.push(ev.data);
    const i18n = new I18n();
    i18n.setLang('bn');
    const page = new NotesPage('d1', i18n, notesSide, () => 61_000);
    const root = document.createElement('div');
    page.mount(root);
    expect(heard).toEqual([{ type: 'command', deck: 'd1', action: 'hello' }]);
    presenterSide.postMessage(slideMessage(deck, 1, 0));
    expect(root.querySelector('h1')!.textContent).toBe('ভৈরবের পাদুকা');
    expect(root.querySelector('.pr-notes-text')!.textContent).toBe('ভৈরব');
    expect(root.querySelector('.pr-notes-next')!.textContent).toBe('পরের: Bogura light engineering');
    expect(root.querySelector('.pr-notes-elapsed')!.textContent).toBe('সময় পেরিয়েছে 1:01');
    i18n.setLang('en');
    // No English notes for this slide: the Bangla ones, rather than nothing.
    expect(root.querySelector('h1')!.textContent).toBe('Bhairab footwear');
    expect(root.querySelector('.pr-notes-text')!.textContent).toBe('ভৈরব');
    root.querySelector<HTMLButtonElement>('.pr-notes-next-button')!.click();
    expect(heard.at(-1)).toEqual({ type: 'command', deck: 'd1', action: 'next' });
    page.unmount();
  });
});

describe('Presentation', () => {
  let p: Presentation | null = null;
  afterEach(() => {
    p?.leave();
    p = null;
    document.body.replaceChildren();
  });

  function start(role: string | null = 'editor') {
    const t = fakeApp(role);
    const sent: Position[] = [];
    const socket = { send: (pos: Position) => sent.push(pos), onFollowers: (fn: (n: number) => void) => ((t as { followers?: typeof fn }).followers = fn, () => {}), start() {}, stop() {} };
    const [mine, notes] = channels();
    const notesHeard: NotesMessage[] = [];
    notes.onmessage = (ev) => notesHeard.push(ev.data);
    p = new Presentation(t.app, deck, { socket: socket as unknown as PresentationSocket, channel: mine });
    return { ...t, sent, notes, notesHeard, socket, followers: (n: number) => (t as { followers?: (n: number) => void }).followers!(n) };
  }

  it('keys and a clicker move between slides, flying the camera, and stop at the deck’s ends', async () => {
    const t = start();
    await p!.start();
    expect(document.body.classList.contains('guccho-presenting')).toBe(true);
    expect(t.map.keyboard.enabled).toBe(false);
    expect(t.opened).toEqual([{ state: deck.views[0].state, duration: TRANSITION_MS }]);
    // The map takes the header's space before the first flight, not during it.
    expect(t.calls).toEqual(['resize', 'open']);
    key('PageDown');
    await flush();
    key('ArrowRight');
    await flush();
    key('ArrowRight'); // past the last slide: nothing
    await flush();
    key('Backspace');
    await flush();
    key('Home');
    await flush();
    key('End');
    await flush();
    expect(t.opened.map((o) => o.state)).toEqual([0, 1, 2, 1, 0, 2].map((i) => deck.views[i].state));
    expect(t.map.container.querySelector('.pr-title-card h1')!.textContent).toBe('Bogura light engineering');
    expect(t.map.container.querySelector('.pr-counter')!.textContent).toBe('Slide 3 of 3');
  });

  it('writes place labels larger while presenting, placing them again, and as before after leaving', async () => {
    const t = start();
    const redraws = vi.fn();
    t.app.overlays.onChange(redraws);
    expect(t.app.overlays.textScale).toBe(1);
    await p!.start();
    expect(LABEL_SCALE).toBeGreaterThan(1);
    expect(t.app.overlays.textScale).toBe(LABEL_SCALE);
    expect(redraws).toHaveBeenCalledTimes(1);
    p!.leave();
    expect(t.app.overlays.textScale).toBe(1);
    expect(redraws).toHaveBeenCalledTimes(2);
  });

  it('sends each slide’s position to followers and shows how many follow', async () => {
    const t = start();
    await p!.start();
    key('PageDown');
    await flush();
    expect(t.sent.map((s) => [s.slide, s.state.view, s.state.params.z])).toEqual([
      [0, 'explore', '7'],
      [1, 'clusters', '10'],
    ]);
    // A drag by the presenter goes out as it moves and once more where it ends; the app's own flights do not.
    const before = t.sent.length;
    t.map.fire('movestart', {});
    t.map.fire('move', {});
    t.map.fire('moveend', {});
    expect(t.sent).toHaveLength(before);
    t.map.fire('movestart', { originalEvent: new MouseEvent('mousedown') });
    t.map.fire('move', {});
    t.map.fire('moveend', {});
    expect(t.sent).toHaveLength(before + 2);
    expect(t.sent.at(-1)).toMatchObject({ slide: 1, state: { view: 'explore', params: { z: '7', lon: '90.4', lat: '23.8' } } });
    t.followers(2);
    expect(t.map.container.querySelector('.pr-followers')!.textContent).toBe('2 following');
    expect(p!.followerCount).toBe(2);
    t.app.i18n.setLang('bn');
    expect(t.map.container.querySelector('.pr-followers')!.textContent).toBe('২ জন অনুসরণ করছেন');
    t.app.i18n.setLang('en');
  });

  it('keeps the notes window in step and takes its commands', async () => {
    const t = start();
    await p!.start();
    expect(t.notesHeard.at(-1)).toMatchObject({ type: 'slide', index: 0, next: deck.views[1].title });
    t.notes.postMessage({ type: 'command', deck: 'd1', action: 'next' });
    await flush();
    expect(t.notesHeard.at(-1)).toMatchObject({ type: 'slide', index: 1, notes: deck.views[1].notes });
    expect(t.opened).toHaveLength(2);
    t.notes.postMessage({ type: 'command', deck: 'other', action: 'next' });
    await flush();
    expect(t.opened).toHaveLength(2);
  });

  it('Escape leaves: the page as before, keys back to the map', async () => {
    const t = start();
    await p!.start();
    key('Escape');
    await p!.ended;
    expect(document.body.classList.contains('guccho-presenting')).toBe(false);
    expect(t.map.container.querySelector('.pr-title-card, .pr-bar')).toBeNull();
    expect(t.map.keyboard.enabled).toBe(true);
    expect(t.map.snapshot().listeners).toEqual({});
    key('PageDown');
    await flush();
    expect(t.opened).toHaveLength(1);
  });

  it('goes live once the saved token is confirmed, sending where the camera is flying to', async () => {
    const t = fakeApp(null);
    let changed = () => {};
    (t.app.session as unknown as { onChange: (fn: () => void) => () => void }).onChange = (fn) => ((changed = fn), () => {});
    let arrive = () => {};
    t.app.open = vi.fn(() => new Promise((r) => (arrive = () => r({ dropped: [] })))) as unknown as App['open'];
    const start = vi.spyOn(PresentationSocket.prototype, 'start').mockImplementation(() => {});
    const send = vi.spyOn(PresentationSocket.prototype, 'send').mockImplementation(() => {});
    p = new Presentation(t.app, deck, { channel: null, start: 1 });
    const started = p.start();
    await flush();
    expect(send).not.toHaveBeenCalled();
    Object.assign(t.app.session, { me: { role: 'editor' }, bearer: 'gct_editor' });
    changed();
    expect(start).toHaveBeenCalledOnce();
    expect(send).toHaveBeenCalledWith({ deck: 'd1', slide: 1, state: { v: 1, view: 'clusters', params: deck.views[1].state.params } });
    expect(t.map.container.querySelector('.pr-followers')!.textContent).toBe('');
    arrive();
    await started;
    start.mockRestore();
    send.mockRestore();
  });

  it('without an editor’s token it presents on this page only and says so', async () => {
    const t = fakeApp(null);
    p = new Presentation(t.app, deck, { channel: null });
    await p.start();
    expect(t.map.container.querySelector('.pr-followers')!.textContent).toMatch(/Not live/);
    expect(p.followerCount).toBeNull();
  });
});

describe('Following', () => {
  afterEach(() => document.body.replaceChildren());

  it('follows the presenter, pauses when the follower moves, and Rejoin brings them back to the latest position', async () => {
    const t = fakeApp(null);
    const { socket, last } = socketFor('follower');
    const f = new Following(t.app, deck, { socket });
    f.start();
    last().connect();
    const bar = t.map.container.querySelector<HTMLElement>('.pr-follow-bar')!;
    const rejoin = bar.querySelector<HTMLButtonElement>('.pr-rejoin')!;
    expect(bar.dataset.mode).toBe('waiting');

    last().receive(moved(3, 1, '10'));
    await flush();
    expect(bar.dataset.mode).toBe('following');
    expect(t.opened.map((o) => o.state.params.z)).toEqual(['10']);
    expect(t.map.container.querySelector('.pr-title-card h1')!.textContent).toBe('Bhairab footwear');
    expect(rejoin.hidden).toBe(true);

    // A move the page makes itself does not pause; the follower's own drag does.
    t.map.fire('movestart', {});
    expect(bar.dataset.mode).toBe('following');
    t.map.fire('movestart', { originalEvent: new MouseEvent('mousedown') });
    expect(bar.dataset.mode).toBe('paused');
    expect(rejoin.hidden).toBe(false);
    expect(rejoin.textContent).toBe('Rejoin presenter');

    last().receive(moved(4, 2, '9'));
    await flush();
    expect(t.opened).toHaveLength(1);

    rejoin.click();
    await flush();
    expect(bar.dataset.mode).toBe('following');
    expect(rejoin.hidden).toBe(true);
    expect(t.opened.map((o) => o.state.params.z)).toEqual(['10', '9']);
    expect(t.map.container.querySelector('.pr-title-card h1')!.textContent).toBe('Bogura light engineering');

    t.app.i18n.setLang('bn');
    t.map.fire('click', {});
    expect(rejoin.textContent).toBe('উপস্থাপকের সাথে আবার যুক্ত হোন');
    t.app.i18n.setLang('en');
    f.stop();
    expect(t.map.snapshot().listeners).toEqual({});
  });
});
