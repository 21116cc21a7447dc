// The route kept in the URL hash: which view is shown and its parameters,
// #view=clusters&z=7.2&lon=90.35&lat=23.7&sector=dairy. The default view
// (explore) leaves "view" out, so the links written before there were views
// (#z=7.2&lon=90.35&lat=23.7&sel=BD3026&sectors=dairy) open it unchanged.
// Parameters keep their order; parsing keeps unknown keys for the view to
// judge.

export interface Route {
  view: string;
  /** The hash's parameters besides "view", in their order. */
  params: Record<string, string>;
}

export const DEFAULT_VIEW = 'explore';

const VIEW_KEY = 'view';
const VIEW_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Reads a route from a location hash, with or without the leading '#'. A malformed view name falls back to the default. */
export function parseRoute(hash: string, defaultView = DEFAULT_VIEW): Route {
  const params: Record<string, string> = {};
  let view = defaultView;
  for (const [k, v] of new URLSearchParams(hash.replace(/^#/, ''))) {
    if (k === VIEW_KEY) {
      if (VIEW_NAME.test(v)) view = v;
    } else {
      params[k] = v;
    }
  }
  return { view, params };
}

/** Commas stay readable in lists (sectors=dairy,footwear_leather). */
const encode = (s: string) => encodeURIComponent(s).replace(/%2C/g, ',');

/** Writes a route as a hash starting with '#' ("" for the default view without parameters). */
export function formatRoute(route: Route, defaultView = DEFAULT_VIEW): string {
  const parts: string[] = [];
  if (route.view !== defaultView) parts.push(`${VIEW_KEY}=${encode(route.view)}`);
  for (const [k, v] of Object.entries(route.params)) parts.push(`${encode(k)}=${encode(v)}`);
  return parts.length ? '#' + parts.join('&') : '';
}

/** The parts of window the router uses. */
export interface RouterWindow {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'pushState' | 'state'>;
  addEventListener(type: 'hashchange', fn: () => void): void;
  removeEventListener(type: 'hashchange', fn: () => void): void;
}

type RouteListener = (route: Route, previous: Route) => void;

/**
 * Router holds the current route, tells listeners when the hash changes
 * from outside (a link, an edit of the address, the back button), and
 * writes routes: replace for state that follows the user (the camera, a
 * selection) without a history entry, go for a change of view, with one.
 */
export class Router {
  private route: Route;
  private readonly listeners = new Set<RouteListener>();

  constructor(private readonly win: RouterWindow) {
    this.route = parseRoute(win.location.hash);
    win.addEventListener('hashchange', this.handleHashChange);
  }

  get current(): Route {
    return this.route;
  }

  /** Calls fn after every change of route from outside or by go; returns a function that unsubscribes. */
  onChange(fn: RouteListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Writes params (and view, when given: the view actually shown) without a
   * history entry and without telling listeners.
   *
   * The browser fires hashchange a task after the hash is set, so a link
   * followed or a hash set by a script may still be unread when the app
   * writes (say the camera after a move). That change from outside wins: it
   * is read and told to listeners now, and this write, made from the state
   * before it, is dropped rather than overwriting it.
   */
  replace(params: Record<string, string>, view = this.route.view): void {
    if (formatRoute(parseRoute(this.win.location.hash)) !== formatRoute(this.route)) {
      this.handleHashChange();
      return;
    }
    this.route = { view, params: { ...params } };
    const hash = formatRoute(this.route);
    if (hash !== this.win.location.hash) {
      const { pathname, search } = this.win.location;
      this.win.history.replaceState(this.win.history.state, '', hash || pathname + search);
    }
  }

  /** Switches to a view with a history entry, and tells listeners. */
  go(view: string, params: Record<string, string> = {}): void {
    const previous = this.route;
    this.route = { view, params: { ...params } };
    const hash = formatRoute(this.route);
    const { pathname, search } = this.win.location;
    this.win.history.pushState(this.win.history.state, '', hash || pathname + search);
    this.notify(previous);
  }

  /** Stops following the hash. */
  remove(): void {
    this.win.removeEventListener('hashchange', this.handleHashChange);
    this.listeners.clear();
  }

  private handleHashChange = (): void => {
    const previous = this.route;
    this.route = parseRoute(this.win.location.hash);
    if (formatRoute(this.route) === formatRoute(previous)) return;
    this.notify(previous);
  };

  private notify(previous: Route): void {
    for (const fn of [...this.listeners]) fn(this.route, previous);
  }
}
