// The explore view: the map of admin units and enterprises. It adds the
// admin and enterprise layers, search, the unit panel, the sector legend and
// filter, enterprise popups and editing, the survey import, and live
// updates over the websocket; it keeps the selected unit (sel) and the
// sector filter (sectors) in the hash. Everything it adds goes through
// ctx.layers, so the shell's clear() after unmount removes it all. The
// editor and the import dialog, which only editors use, load with import()
// when first needed, so the first page stays light.

import type { Map as MapLibreMap } from 'maplibre-gl';
import { fetchAdmin, fetchEnterpriseStats, fetchSectors, type AdminUnit, type BBox, type GeocodeResult, type Sector } from '../../api';
import { formatHash, isPCode, parseHash } from '../../core/hash';
import { parseRoute } from '../../core/router';
import { canEdit, canImport } from '../../core/session';
import type { Legend, View, ViewContext } from '../../core/view';
import { LiveClient, socketURL } from '../../live';
import { SectorCatalogue, SectorFilter } from '../../sectors';
import { addAdminLayers, ADMIN_LEVELS, adminLevel, featureId, levelOfPCode } from './admin-layers';
import { SyntheticBanner } from './banner';
import type { EnterpriseEditor } from './enterprise-editor';
import { EnterpriseLayer, transformRequest } from './enterprise-layers';
import { EnterprisePicker } from './enterprise-picker';
import { EnterprisePopup } from './enterprise-popup';
import { HoverPicker, Selection } from './highlight';
import type { ImportDialog } from './import-dialog';
import { LiveControl } from './live-control';
import { LiveMap, reloadTileJSONSources } from './live-map';
import { UnitPanel } from './panel';
import { exploreLegend } from './legend';
import { SearchControl } from './search-control';
import { SectorControl } from './sector-control';
import './explore.css';
import './strings';

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

/** The view's hash parameters as hash.ts reads them. */
const stateOf = (params: Readonly<Record<string, string>>) => parseHash(new URLSearchParams(params as Record<string, string>).toString());

export interface SelectOptions {
  fit?: boolean;
  id?: number;
  bbox?: BBox;
}

export class ExploreView implements View {
  readonly params = ['sel', 'sectors'] as const;
  /** Enterprise tiles skip the HTTP cache (live updates reload them under the same URL). */
  readonly transformRequest = transformRequest;
  /** The sectors shown on the map (while mounted). */
  sectors: SectorFilter | null = null;
  /** The websocket of live updates (while mounted). */
  live: LiveClient | null = null;
  private selectUnit: ((pcode: string, opts?: SelectOptions) => Promise<void>) | null = null;
  private legendNow: (() => Legend) | null = null;
  private follow: ((params: Readonly<Record<string, string>>, camera: boolean) => void) | null = null;
  private mounted = false;

  /** Selects a unit by P-code, opens its panel and optionally moves the map to it. */
  select(pcode: string, opts?: SelectOptions): Promise<void> {
    return this.selectUnit?.(pcode, opts) ?? Promise.resolve();
  }

  /** The sectors shown and the admin borders, for exports. */
  legend(): Legend {
    return this.legendNow?.() ?? { title: '', items: [] };
  }

  update(params: Readonly<Record<string, string>>, camera = false): void {
    this.follow?.(params, camera);
  }

  unmount(): void {
    // Everything mount made is undone by ctx.layers (tracked there).
    this.mounted = false;
    this.selectUnit = this.follow = null;
    this.legendNow = null;
    this.sectors = this.live = null;
  }

  async mount(ctx: ViewContext): Promise<void> {
    this.mounted = true;
    const { map, layers, root, i18n, session, account } = ctx;
    const sectors = await loadSectors();
    if (!this.mounted) return;
    const initial = stateOf(ctx.params);
    const catalogue = new SectorCatalogue(sectors);
    const filter = new SectorFilter(catalogue);
    filter.set(initial.sectors ?? null);
    this.sectors = filter;
    this.legendNow = () => exploreLegend(i18n, catalogue, filter.selected);
    const container = map.getContainer();

    const selection = new Selection(map);
    // The callbacks run on user actions, after everything below is defined.
    const panel = new UnitPanel(root, i18n, {
      onClose: () => close(),
      onNavigate: (pcode) => void select(pcode, { fit: true }),
      onZoomTo: (unit) => fitUnit(unit.bbox, unit.pcode),
    });
    layers.track(() => {
      request?.abort();
      selection.set(null);
      panel.remove();
    });

    let request: AbortController | undefined;

    const writeHash = () => {
      if (!this.mounted) return;
      const hash = formatHash({ sel: panel.pcode ?? undefined, sectors: filter.selected ?? undefined });
      ctx.setParams(parseRoute(hash).params);
    };

    /** Moves the map to a unit's bbox, deep enough that its level is drawn. */
    const fitUnit = (bbox: BBox, pcode: string) => {
      const wide = container.clientWidth > 720;
      const padding = { top: 72, bottom: 48, left: wide ? 400 : 32, right: wide ? 72 : 32 };
      const camera = map.cameraForBounds(bbox, { padding, maxZoom: map.getMaxZoom() - 1 });
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

    const select = async (pcode: string, opts: SelectOptions = {}) => {
      if (!isPCode(pcode) || !this.mounted) return;
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
    this.selectUnit = select;

    // Enterprises: layer, popup, legend and filter, counts and the synthetic-data banner.
    const enterprises = new EnterpriseLayer(map, catalogue, layers);
    enterprises.setSectors(filter.selected);
    const popup = new EnterprisePopup(map, i18n, catalogue);
    const sectorControl = new SectorControl(i18n, catalogue, filter);
    const banner = new SyntheticBanner(root.querySelector<HTMLElement>('.app-header') ?? root, i18n);
    layers.track(() => {
      popup.remove();
      banner.remove();
    });
    const refreshStats = async () => {
      try {
        const stats = await fetchEnterpriseStats();
        if (!this.mounted) return;
        sectorControl.setStats(stats);
        banner.set((stats?.synthetic ?? 0) > 0);
      } catch (err) {
        console.warn('guccho: enterprise counts unavailable', err);
      }
    };
    void refreshStats();
    layers.track(
      filter.onChange(() => {
        enterprises.setSectors(filter.selected);
        writeHash();
      }),
    );

    // Live updates: the socket follows the view, the sector filter and the
    // role (the imports topic is for editors).
    const live = new LiveClient({ url: () => socketURL(location, session.bearer) });
    this.live = live;
    const liveMap = new LiveMap(map, live, {
      reloadEnterprises: () => enterprises.refresh(),
      reloadAdmin: () => reloadTileJSONSources(map, ADMIN_LEVELS.map((l) => l.id)),
      refreshStats,
      openEnterprise: () => (popup.isOpen ? popup.id : null),
      refreshPopup: (deleted) => (deleted ? popup.close() : void popup.reload()),
      sectors: () => filter.selected,
      topics: () => ['enterprises', 'admin', ...(canImport(session.me) ? ['imports'] : [])],
    });
    layers.track(() => {
      liveMap.remove();
      live.stop();
    });
    live.subscribe(liveMap.filter());
    void ctx.sessionRestored.finally(() => {
      if (this.mounted) live.start();
    });
    layers.track(filter.onChange(() => liveMap.resubscribe()));
    const reconnect = () => live.reconnect();
    window.addEventListener('online', reconnect);
    window.addEventListener('offline', reconnect);
    layers.track(() => {
      window.removeEventListener('online', reconnect);
      window.removeEventListener('offline', reconnect);
    });

    // The import dialog loads on its first opening.
    let importDialog: ImportDialog | null = null;
    const openImport = async () => {
      const mod = await import('./import-dialog');
      if (!this.mounted) return;
      if (!importDialog) {
        const onImported = () => {
          // The socket brings the import's changes; without it, reload.
          if (live.connected) return;
          void enterprises.refresh();
          void refreshStats();
        };
        const dialog = new mod.ImportDialog(root, i18n, session, onImported, { ...mod.defaultImportDeps, live });
        importDialog = dialog;
        layers.track(() => dialog.remove());
      }
      importDialog.open();
    };
    // The editor loads once someone who may edit is signed in.
    let editor: EnterpriseEditor | null = null;
    let editorLoad: Promise<EnterpriseEditor | null> | null = null;
    const loadEditor = (): Promise<EnterpriseEditor | null> =>
      (editorLoad ??= import('./enterprise-editor').then((mod) => {
        if (!this.mounted) return null;
        // Saves reach the map through the socket like anyone's; without it, here.
        const made = new mod.EnterpriseEditor(map, i18n, catalogue, session, popup, (change) => {
          if (!live.connected) liveMap.apply(change);
        });
        editor = made;
        layers.track(() => made.remove());
        return made;
      }));
    const isPicking = () => editor?.isPicking ?? false;
    void ctx.sessionRestored.finally(() => {
      if (this.mounted && canEdit(session.me)) void loadEditor();
    });
    layers.track(
      session.onChange(() => {
        if (!session.me) importDialog?.close();
        if (canEdit(session.me)) void loadEditor();
        liveMap.resubscribe();
        live.reconnect(); // a connection's role is fixed when it opens
      }),
    );
    account.setActions({ onImport: () => void openImport(), onAddEnterprise: () => void loadEditor().then((e) => e?.startAdd()) });
    layers.track(() => account.setActions({}));

    layers.addControl(
      new SearchControl(i18n, (r: GeocodeResult) => void select(r.pcode, { fit: true, bbox: r.bbox, id: r.feature_id })),
      'top-left',
    );
    if (catalogue.sectors.length) layers.addControl(sectorControl, 'top-right');
    layers.addControl(new LiveControl(i18n, live), 'bottom-left');

    void ctx.loaded.then(() => {
      if (!this.mounted) return;
      addAdminLayers(layers, location.origin, ctx.basemap);
      this.addPickers(ctx, map, catalogue, popup, isPicking, select);
      void enterprises.add();
      // Feature-state set before the sources existed is re-applied now.
      const ref = selection.ref;
      if (ref) selection.set(ref);
    });

    this.follow = (params, camera) => {
      const next = stateOf(params);
      filter.set(next.sectors ?? null);
      if (next.sel && next.sel !== panel.pcode) void select(next.sel, { fit: !camera });
      else if (!next.sel && panel.isOpen) close();
    };

    if (initial.sel) void select(initial.sel, { fit: !ctx.cameraInURL });
  }

  /** The pointer: enterprise points and cells first, admin units under them. */
  private addPickers(
    ctx: ViewContext,
    map: MapLibreMap,
    catalogue: SectorCatalogue,
    popup: EnterprisePopup,
    isPicking: () => boolean,
    select: (pcode: string, opts?: SelectOptions) => Promise<void>,
  ): void {
    const { layers, i18n } = ctx;
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
      () => !isPicking(),
    );
    // While an editor picks a place, the click is theirs alone.
    const hover = new HoverPicker(map, i18n, (u) => void select(u.pcode, { id: u.id }), (p) => isPicking() || picker.pickAt([p.x, p.y]) !== null);
    layers.track(() => {
      hover.remove();
      picker.remove();
    });
    layers.listen('click', (e) => {
      if (!isPicking() && picker.pickAt(e.point)?.kind !== 'point') popup.close();
    });
  }
}

/** The view's module entry, for the registry. */
export function createView(): ExploreView {
  return new ExploreView();
}
