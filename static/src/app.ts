// The shell: builds the map from the server's configuration, adds what every
// view shares (language and account controls, zoom buttons, scale, the
// camera in the hash) and shows one view at a time as the hash names it:
// the explore view comes with the first page, other views are registered
// with a loader (a dynamic import) and load when first shown. Switching
// unmounts the shown view and clears its layer scope before mounting the
// next.

import * as maplibregl from 'maplibre-gl';
import type { StyleSpecification } from 'maplibre-gl';
// MapLibre looks for its worker beside its own module, which bundling moves;
// ship the (self-contained) worker as an asset and point MapLibre at it.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { fetchConfig, type BBox } from './api';
import { AccountControl } from './controls/account-control';
import { LanguageControl } from './controls/language-control';
import { ViewSwitcher } from './controls/view-switcher';
import { formatHash, parseHash } from './core/hash';
import { I18n } from './core/i18n';
import { LayerRegistry } from './core/layers';
import { OverlayRegistry } from './core/overlays';
import { DEFAULT_VIEW, parseRoute, Router } from './core/router';
import { Session } from './core/session';
import { pick, ViewHost } from './core/host';
import { ViewRegistry, type View } from './core/view';
import * as explore from './views/explore';
import type { ExploreView } from './views/explore';

/** Bangladesh, with a little margin: the view when the URL names none. */
const BANGLADESH: BBox = [87.9, 20.5, 92.8, 26.7];
const MAX_ZOOM = 14;
/** The hash parameters of the shell: the camera. */
const CAMERA_PARAMS = ['z', 'lon', 'lat'];
/** The map's background where no basemap is drawn. */
const BACKGROUND_COLOUR = '#f3f2ee';

maplibregl.setWorkerUrl(workerUrl);

function plainStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOUR } }],
  };
}

/**
 * The base style: the configured basemap when it can be fetched, else a
 * plain background, so the map still works offline or when the basemap's
 * host is down.
 */
async function baseStyle(url: string): Promise<{ style: StyleSpecification; basemap: boolean }> {
  if (url) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(8000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return { style: (await res.json()) as StyleSpecification, basemap: true };
    } catch (err) {
      console.warn(`guccho: basemap ${url} unavailable, using a plain background`, err);
    }
  }
  return { style: plainStyle(), basemap: false };
}

/** The views of the app; explore is part of the first page, others load on demand. */
export function defaultViews(): ViewRegistry {
  return new ViewRegistry({
    [DEFAULT_VIEW]: () => Promise.resolve(explore),
    clusters: () => import('./views/clusters'),
    valuechain: () => import('./views/valuechain'),
    review: () => import('./views/review'),
  });
}

/** The views the switch offers, in its order. */
const SWITCHED_VIEWS = [DEFAULT_VIEW, 'clusters', 'valuechain'];

/** A state of the app as a saved view keeps it (deck.State on the server). */
export interface SavedState {
  /** The view's name; "" or missing for explore. */
  view?: string;
  /** The hash parameters: the camera (z, lon, lat) and the view's own. */
  params: Record<string, string>;
}

export interface App {
  map: maplibregl.Map;
  i18n: I18n;
  session: Session;
  router: Router;
  /** The views by name; register adds one (a loader returning its module). */
  views: ViewRegistry;
  /** The layers of all views, in slot order. */
  layers: LayerRegistry;
  /** What the page draws over the map (place labels), which exports draw too. */
  overlays: OverlayRegistry;
  /** The name of the view shown. */
  readonly view: string;
  /** The view shown (the end-to-end tests read the clusters view's classes through it). */
  readonly current: View | null;
  /** Shows a view (a history entry), keeping the camera. */
  show(view: string): Promise<void>;
  /**
   * Opens a saved state of the app (a saved view's state: view name and hash
   * parameters, camera included) with a history entry, flying the camera
   * there over duration ms (0 or none: at once). Resolves once the view is
   * shown and the camera has arrived, with what could not be used: "view"
   * for a view this build does not have (explore opens instead) and the
   * names of parameters neither the shell nor the view knows.
   */
  open(state: SavedState, opts?: { duration?: number }): Promise<{ dropped: string[] }>;
  /** The explore view while it is shown. */
  readonly explore: ExploreView | null;
  /** Explore's sector filter, websocket and selection, while it is shown (the end-to-end tests read these). */
  readonly sectors: ExploreView['sectors'];
  readonly live: ExploreView['live'];
  select(pcode: string, opts?: { fit?: boolean }): Promise<void>;
  /** Loads the exports (PNG, PDF, PowerPoint of a view or a deck: exportView, exportDeck). */
  exports(): Promise<typeof import('./export')>;
}

/** Starts the application inside root (which holds #map). */
export async function startApp(root: HTMLElement, views: ViewRegistry = defaultViews()): Promise<App> {
  const i18n = new I18n(window.localStorage);
  const applyDocumentLang = () => {
    document.documentElement.lang = i18n.lang;
    document.title = i18n.t('app.title');
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
      el.textContent = i18n.t(el.dataset.i18n as Parameters<I18n['t']>[0]);
    }
  };
  applyDocumentLang();
  i18n.onChange(applyDocumentLang);

  const session = new Session(window.localStorage);
  const sessionRestored = session.restore();
  const config = await fetchConfig();
  const { style, basemap } = await baseStyle(config.basemap_style_url);
  const router = new Router(window);
  const initial = parseHash(location.hash);
  const container = root.querySelector<HTMLElement>('#map')!;

  // Set once the map exists; MapLibre may ask for request options before.
  let hostForRequests: ViewHost | null = null;
  const map = new maplibregl.Map({
    container,
    style,
    ...(initial.center && initial.zoom !== undefined
      ? { center: initial.center, zoom: initial.zoom }
      : { bounds: BANGLADESH, fitBoundsOptions: { padding: 24 } }),
    maxZoom: MAX_ZOOM,
    minZoom: 3,
    dragRotate: false,
    pitchWithRotate: false,
    attributionControl: { compact: true, customAttribution: config.attribution || undefined },
    // The shown view may ask for other request options (explore: no-cache enterprise tiles).
    transformRequest: (url, type) => hostForRequests?.view?.transformRequest?.(url, type) ?? { url },
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));
  const layers = new LayerRegistry(map);
  const overlays = new OverlayRegistry();
  // The canvas overlays are drawn on, with the admin units' names: a chunk of its own.
  import('./labels')
    .then((m) => m.startLabels(map, overlays, i18n))
    .catch((err) => console.error('guccho: place labels failed', err));

  const account = new AccountControl(i18n, session);
  // Set below, once the host exists; the switch only calls it on a click.
  let showView: (view: string) => void = () => {};
  const switcher = new ViewSwitcher(
    i18n,
    SWITCHED_VIEWS.filter((v) => views.has(v)),
    (v) => showView(v),
  );
  map.addControl(switcher, 'top-right');
  map.addControl(new LanguageControl(i18n), 'top-right');
  map.addControl(account, 'top-right');
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.on('error', (e) => console.error('guccho map:', e.error?.message ?? e));

  const cameraParams = (): Record<string, string> => {
    const c = map.getCenter();
    return parseRoute(formatHash({ zoom: map.getZoom(), center: [c.lng, c.lat] })).params;
  };
  const host = new ViewHost({
    views,
    layers,
    router,
    shared: { map, root, overlays, i18n, session, account, loaded, basemap, sessionRestored },
    shellParams: cameraParams,
    hasCamera: (params) => Boolean(parseHash(new URLSearchParams(pick(params, CAMERA_PARAMS)).toString()).center),
  });
  hostForRequests = host;
  /** The latest switch, for show() to wait on. */
  let showing: Promise<void> = Promise.resolve();

  map.on('moveend', () => host.writeHash());
  /** How long the next route change flies the camera (open sets it); undefined jumps. */
  let flyNext: number | undefined;
  /**
   * Where the route's flight goes and when it ends. A view that changes the
   * map's size as it mounts (the value chains' split screen) resizes the map
   * in mid-flight, and MapLibre would land the target where the old centre
   * was: the flight is taken up again in the new size, for the time left
   * (or the camera jumps there when the flight is already late).
   */
  let flight: { center: [number, number]; zoom: number; ends: number } | null = null;
  map.on('moveend', () => {
    if (!map.isMoving()) flight = null;
  });
  map.on('resize', () => {
    const f = flight;
    if (!f || !map.isMoving()) return;
    const left = f.ends - performance.now();
    if (left > 100) map.flyTo({ center: f.center, zoom: f.zoom, duration: left, essential: true });
    else map.jumpTo({ center: f.center, zoom: f.zoom });
    // (Stopping the first flight ended it with a moveend.)
    flight = map.isMoving() ? f : null;
  });
  router.onChange((route) => {
    const next = parseHash(new URLSearchParams(pick(route.params, CAMERA_PARAMS)).toString());
    const duration = flyNext;
    flyNext = undefined;
    flight = null;
    if (next.center && next.zoom !== undefined) {
      if (duration) {
        flight = { center: next.center, zoom: next.zoom, ends: performance.now() + duration };
        map.flyTo({ center: next.center, zoom: next.zoom, duration, essential: true });
      } else map.jumpTo({ center: next.center, zoom: next.zoom });
    }
    showing = host
      .show(route)
      .catch((err) => console.error(`guccho: view ${route.view} failed`, err))
      .finally(() => switcher.setShown(host.name));
  });
  showView = (view) => router.go(view, cameraParams());

  await host.show(router.current);
  switcher.setShown(host.name);

  const exploreView = () => (host.name === DEFAULT_VIEW ? (host.view as ExploreView) : null);
  const app: App = {
    map,
    i18n,
    session,
    router,
    views,
    layers,
    overlays,
    get view() {
      return host.name;
    },
    get current() {
      return host.view;
    },
    show: (view) => {
      router.go(view, cameraParams());
      return showing;
    },
    open: async (state, opts = {}) => {
      const wanted = state.view || DEFAULT_VIEW;
      const view = views.has(wanted) ? wanted : DEFAULT_VIEW;
      flyNext = opts.duration;
      router.go(view, state.params);
      await showing;
      const known = new Set([...CAMERA_PARAMS, ...(host.view?.params ?? [])]);
      const dropped = Object.keys(state.params).filter((k) => !known.has(k));
      if (view !== wanted) dropped.unshift('view');
      // (A flight taken up again after a resize ends one moveend early.)
      while (map.isMoving()) await new Promise<void>((resolve) => map.once('moveend', () => resolve()));
      return { dropped };
    },
    get explore() {
      return exploreView();
    },
    get sectors() {
      return exploreView()?.sectors ?? null;
    },
    get live() {
      return exploreView()?.live ?? null;
    },
    select: (pcode, opts) => exploreView()?.select(pcode, opts) ?? Promise.resolve(),
    exports: () => import('./export'),
  };
  // The Export button loads after the first page, so the page's code does not grow.
  void import('./export/control').then((m) => map.addControl(new m.ExportControl(app), 'top-right'));
  return app;
}

