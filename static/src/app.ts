// The application: builds the map from the server's configuration, adds the
// admin and enterprise layers and the controls, and keeps selection, panel,
// sector filter and URL hash in step.

import * as maplibregl from 'maplibre-gl';
import type { StyleSpecification } from 'maplibre-gl';
// MapLibre looks for its worker beside its own module, which bundling moves;
// ship the (self-contained) worker as an asset and point MapLibre at it.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import {
  fetchAdmin,
  fetchConfig,
  fetchEnterpriseStats,
  fetchSectors,
  type AdminUnit,
  type BBox,
  type GeocodeResult,
  type Sector,
} from './api';
import { addAdminLayers, ADMIN_LEVELS, adminLevel, BACKGROUND_COLOUR, featureId, levelOfPCode } from './views/explore/admin-layers';
import { SyntheticBanner } from './views/explore/banner';
import { AccountControl } from './controls/account-control';
import { LanguageControl } from './controls/language-control';
import { LiveControl } from './views/explore/live-control';
import { SearchControl } from './views/explore/search-control';
import { SectorControl } from './views/explore/sector-control';
import { EnterpriseEditor } from './views/explore/enterprise-editor';
import { EnterpriseLayer, transformRequest } from './views/explore/enterprise-layers';
import { EnterprisePicker } from './views/explore/enterprise-picker';
import { EnterprisePopup } from './views/explore/enterprise-popup';
import { formatHash, isPCode, parseHash, type ViewState } from './core/hash';
import { HoverPicker, Selection } from './views/explore/highlight';
import { I18n } from './core/i18n';
import { defaultImportDeps, ImportDialog } from './views/explore/import-dialog';
import { LiveClient, socketURL } from './live';
import { LiveMap, reloadTileJSONSources } from './views/explore/live-map';
import { UnitPanel } from './views/explore/panel';
import { SectorCatalogue, SectorFilter } from './sectors';
import { canImport, Session } from './core/session';
import './views/explore/strings';

/** Bangladesh, with a little margin: the view when the URL names none. */
const BANGLADESH: BBox = [87.9, 20.5, 92.8, 26.7];
const MAX_ZOOM = 14;

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

function prefersReducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

/** The sector catalogue, or none when the server cannot give it. */
async function loadSectors(): Promise<Sector[]> {
  try {
    return (await fetchSectors()).sectors ?? [];
  } catch (err) {
    console.warn('guccho: /api/sectors unavailable', err);
    return [];
  }
}

export interface App {
  map: maplibregl.Map;
  i18n: I18n;
  /** The sectors shown on the map. */
  sectors: SectorFilter;
  session: Session;
  /** The websocket of live updates. */
  live: LiveClient;
  /** Selects a unit by P-code, opens its panel and optionally moves the map to it. */
  select(pcode: string, opts?: { fit?: boolean }): Promise<void>;
}

/** Starts the application inside root (which holds #map and the panel). */
export async function startApp(root: HTMLElement): Promise<App> {
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
  const restored = session.restore();
  const [config, sectors] = await Promise.all([fetchConfig(), loadSectors()]);
  const { style, basemap } = await baseStyle(config.basemap_style_url);
  const initial = parseHash(location.hash);
  const catalogue = new SectorCatalogue(sectors);
  const filter = new SectorFilter(catalogue);
  filter.set(initial.sectors ?? null);
  const container = root.querySelector<HTMLElement>('#map')!;

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
    transformRequest,
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();

  const selection = new Selection(map);
  // The callbacks run on user actions, after everything below is defined.
  const panel = new UnitPanel(root, i18n, {
    onClose: () => close(),
    onNavigate: (pcode) => void select(pcode, { fit: true }),
    onZoomTo: (unit) => fitUnit(unit.bbox, unit.pcode),
  });

  let request: AbortController | undefined;

  const writeHash = () => {
    const c = map.getCenter();
    const state: ViewState = {
      zoom: map.getZoom(),
      center: [c.lng, c.lat],
      sel: panel.pcode ?? undefined,
      sectors: filter.selected ?? undefined,
    };
    const hash = formatHash(state);
    if (hash !== location.hash) history.replaceState(history.state, '', hash || location.pathname + location.search);
  };

  /** Moves the map to a unit's bbox, deep enough that its level is drawn. */
  const fitUnit = (bbox: BBox, pcode: string) => {
    const wide = container.clientWidth > 720;
    const padding = { top: 72, bottom: 48, left: wide ? 400 : 32, right: wide ? 72 : 32 };
    const camera = map.cameraForBounds(bbox, { padding, maxZoom: MAX_ZOOM - 1 });
    if (!camera) return;
    const minZoom = adminLevel(levelOfPCode(pcode)).minzoom + 0.25;
    map.flyTo({
      center: camera.center,
      zoom: Math.max(camera.zoom ?? minZoom, minZoom),
      duration: prefersReducedMotion() ? 0 : 1200,
      essential: true,
    });
  };

  const close = () => {
    request?.abort();
    selection.set(null);
    panel.close();
    writeHash();
  };

  const select = async (pcode: string, opts: { fit?: boolean; id?: number; bbox?: BBox } = {}) => {
    if (!isPCode(pcode)) return;
    request?.abort();
    const ctrl = new AbortController();
    request = ctrl;
    selection.set({ level: levelOfPCode(pcode), id: opts.id ?? featureId(pcode) });
    panel.showLoading(pcode);
    writeHash();
    if (opts.fit && opts.bbox) fitUnit(opts.bbox, pcode);
    let unit: AdminUnit;
    try {
      unit = await fetchAdmin(pcode, ctrl.signal);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      panel.showError(pcode, err);
      return;
    }
    if (ctrl.signal.aborted) return;
    if (unit.feature_id && unit.feature_id !== selection.ref?.id) {
      selection.set({ level: unit.level, id: unit.feature_id });
    }
    panel.showUnit(unit);
    if (opts.fit && !opts.bbox) fitUnit(unit.bbox, pcode);
  };

  // Enterprises: layer, popup, legend and filter, counts and the synthetic-data banner.
  const enterprises = new EnterpriseLayer(map, catalogue);
  enterprises.setSectors(filter.selected);
  const popup = new EnterprisePopup(map, i18n, catalogue);
  const sectorControl = new SectorControl(i18n, catalogue, filter);
  const banner = new SyntheticBanner(root.querySelector<HTMLElement>('.app-header') ?? root, i18n);
  const refreshStats = async () => {
    try {
      const stats = await fetchEnterpriseStats();
      sectorControl.setStats(stats);
      banner.set((stats?.synthetic ?? 0) > 0);
    } catch (err) {
      console.warn('guccho: enterprise counts unavailable', err);
    }
  };
  void refreshStats();
  filter.onChange(() => {
    enterprises.setSectors(filter.selected);
    writeHash();
  });

  // Live updates: the socket follows the view, the sector filter and the
  // role (the imports topic is for editors).
  const live = new LiveClient({ url: () => socketURL(location, session.bearer) });
  const liveMap = new LiveMap(map, live, {
    reloadEnterprises: () => enterprises.refresh(),
    reloadAdmin: () => reloadTileJSONSources(map, ADMIN_LEVELS.map((l) => l.id)),
    refreshStats,
    openEnterprise: () => (popup.isOpen ? popup.id : null),
    refreshPopup: (deleted) => (deleted ? popup.close() : void popup.reload()),
    sectors: () => filter.selected,
    topics: () => ['enterprises', 'admin', ...(canImport(session.me) ? ['imports'] : [])],
  });
  live.subscribe(liveMap.filter());
  void restored.finally(() => live.start());
  filter.onChange(() => liveMap.resubscribe());
  const reconnect = () => live.reconnect();
  window.addEventListener('online', reconnect);
  window.addEventListener('offline', reconnect);

  const importDialog = new ImportDialog(
    root,
    i18n,
    session,
    () => {
      // The socket brings the import's changes; without it, reload.
      if (live.connected) return;
      void enterprises.refresh();
      void refreshStats();
    },
    { ...defaultImportDeps, live },
  );
  // Saves reach the map through the socket like anyone's; without it, here.
  const editor = new EnterpriseEditor(map, i18n, catalogue, session, popup, (change) => {
    if (!live.connected) liveMap.apply(change);
  });
  session.onChange(() => {
    if (!session.me) importDialog.close();
    liveMap.resubscribe();
    live.reconnect(); // a connection's role is fixed when it opens
  });

  const search = new SearchControl(i18n, (r: GeocodeResult) => void select(r.pcode, { fit: true, bbox: r.bbox, id: r.feature_id }));
  map.addControl(search, 'top-left');
  map.addControl(new LanguageControl(i18n), 'top-right');
  map.addControl(new AccountControl(i18n, session, () => importDialog.open(), () => editor.startAdd()), 'top-right');
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  if (catalogue.sectors.length) map.addControl(sectorControl, 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.addControl(new LiveControl(i18n, live), 'bottom-left');

  map.on('load', () => {
    addAdminLayers(map, location.origin, basemap);
    // The enterprise picker listens first, so the admin picker can stand
    // aside wherever an enterprise is under the pointer.
    const picker = new EnterprisePicker(
      map,
      i18n,
      catalogue,
      (id, feature) => {
        const g = feature.geometry;
        void popup.open(id, g.type === 'Point' ? (g.coordinates as [number, number]) : map.getCenter());
      },
      () => !editor.isPicking,
    );
    // While an editor picks a place, the click is theirs alone.
    new HoverPicker(map, i18n, (u) => void select(u.pcode, { id: u.id }), (p) => editor.isPicking || picker.pickAt([p.x, p.y]) !== null);
    map.on('click', (e) => {
      if (!editor.isPicking && picker.pickAt(e.point)?.kind !== 'point') popup.close();
    });
    void enterprises.add();
    // Feature-state set before the sources existed is re-applied now.
    const ref = selection.ref;
    if (ref) selection.set(ref);
  });
  map.on('moveend', writeHash);
  map.on('error', (e) => console.error('guccho map:', e.error?.message ?? e));

  window.addEventListener('hashchange', () => {
    const next = parseHash(location.hash);
    if (next.center && next.zoom !== undefined) map.jumpTo({ center: next.center, zoom: next.zoom });
    filter.set(next.sectors ?? null);
    if (next.sel && next.sel !== panel.pcode) void select(next.sel, { fit: !next.center });
    else if (!next.sel && panel.isOpen) close();
  });

  if (initial.sel) void select(initial.sel, { fit: !initial.center });

  return { map, i18n, sectors: filter, session, live, select: (pcode, opts) => select(pcode, opts) };
}
