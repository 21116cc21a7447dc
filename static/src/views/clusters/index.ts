// The clusters view: where a sector concentrates. It colours the admin
// units of a level by location quotient, by hot spot (Gᵢ*) or by local
// Moran class, or draws the point clusters (SMEF or DBSCAN) as outlines
// with their member counts, or lists the ranked potential clusters; common
// service centres are drawn as circles with a popup. A click on a unit or
// a cluster opens its profile. Every parameter lives in the hash (see
// params.ts), so links and saved views reopen the same map. Everything it
// adds goes through ctx.layers and is removed when the view unmounts. This
// module and its strings and styles load with import() when the view is
// first shown.

import { Marker, Popup, type GeoJSONSource, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { fetchSectors, type Sector } from '../../api';
import { errorText } from '../../core/errors';
import type { I18n } from '../../core/i18n';
import type { Legend, View, ViewContext } from '../../core/view';
import { SectorCatalogue } from '../../sectors';
import { addAdminLayers, ADMIN_LEVELS, featureId, levelOfPCode } from '../explore/admin-layers';
import {
  fetchCentres,
  fetchClusters,
  fetchPotential,
  fetchProfile,
  fetchStats,
  unavailable,
  type CentreCollection,
  type CentreProps,
  type ClusterCollection,
  type Potential,
} from './api';
import { classify, fillColour, type ChoroplethClass } from './classes';
import { legendOf } from './legend';
import { ParamPanel } from './param-panel';
import { formatParams, HASH_KEYS, parseParams, statistic, STAT_LEVELS, type ClusterParams, type StatLevel } from './params';
import { clusterName, ProfilePanel } from './profile-panel';
import { centreCandidates, clusterCandidates } from './labels';
import { LabelOverlay } from '../../labels/overlay';
import './clusters.css';
import './strings';

/** The admin source (and source-layer) of each statistics level. */
const SOURCE_OF: Record<StatLevel, string> = { district: 'districts', upazila: 'upazilas', union: 'unions' };

/** The choropleth layer of a level. */
export const choroplethLayerId = (level: StatLevel): string => `clusters-choropleth-${level}`;
export const OUTLINE_SOURCE = 'clusters-outlines';
export const CENTRE_SOURCE = 'clusters-centres';
export const CENTRE_LAYER = 'clusters-centres';
const OUTLINE_FILL = 'clusters-outline-fill';
const OUTLINE_LINE = 'clusters-outline-line';
const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

async function loadSectors(): Promise<Sector[]> {
  try {
    return (await fetchSectors()).sectors ?? [];
  } catch (err) {
    console.warn('guccho: /api/sectors unavailable', err);
    return [];
  }
}

/** The words of a failed request: "not available yet" for an endpoint this server lacks. */
function failure(i18n: I18n, err: unknown): string {
  return unavailable(err) ? i18n.t('cl.unavailable') : i18n.t('cl.error', { message: errorText(i18n, err) });
}

export class ClustersView implements View {
  readonly params = HASH_KEYS;
  /** The parameters shown. */
  current: ClusterParams = parseParams({});
  /** The class of each unit on the choropleth shown, by P-code (the e2e test reads it). */
  classes: ReadonlyMap<string, ChoroplethClass> = new Map();
  /** The point clusters shown (clusters mode). */
  clusters: ClusterCollection | null = null;
  /** Settles when the data of the current parameters has arrived (or failed). */
  ready: Promise<void> = Promise.resolve();
  private mounted = false;
  private follow: ((p: ClusterParams) => void) | null = null;
  private i18n: I18n | null = null;

  /** The classes of the map shown (the current mode), for exports. */
  legend(): Legend {
    return this.i18n ? legendOf(this.i18n, this.current) : { title: '', items: [] };
  }

  update(params: Readonly<Record<string, string>>): void {
    this.follow?.(parseParams(params));
  }

  unmount(): void {
    this.mounted = false;
    this.follow = null;
  }

  async mount(ctx: ViewContext): Promise<void> {
    this.mounted = true;
    const { map, layers, root, i18n } = ctx;
    this.i18n = i18n;
    const sectorList = await loadSectors();
    if (!this.mounted) return;
    const catalogue = new SectorCatalogue(sectorList);
    let params = parseParams(ctx.params);
    if (!params.sector || (catalogue.codes.length && !catalogue.get(params.sector))) params = { ...params, sector: catalogue.codes[0] ?? params.sector };
    this.current = params;

    let data: AbortController | null = null;
    let profileReq: AbortController | null = null;
    let centresFor: string | null = null;
    const markers: Marker[] = [];
    let selected: { source: string; sourceLayer: string; id: number } | null = null;
    let popup: Popup | null = null;
    let styleReady = false;

    const writeHash = () => {
      if (this.mounted) ctx.setParams(formatParams(params));
    };

    const profile = new ProfilePanel(root, i18n, catalogue, () => closeProfile());
    const panel = new ParamPanel(root, i18n, catalogue, params, {
      onChange: (patch) => apply({ ...params, ...patch }),
      onPickPotential: (entry) => pickPotential(entry),
    });
    layers.track(() => {
      data?.abort();
      profileReq?.abort();
      clearMarkers();
      popup?.remove();
      setSelected(null);
      panel.remove();
      profile.remove();
    });

    const clearMarkers = () => {
      for (const m of markers.splice(0)) m.remove();
    };

    // Cluster and centre names, written over the map above the admin names.
    let centres: CentreCollection | null = null;
    const clusterLabels = new LabelOverlay('cluster-labels', () => (params.mode === 'clusters' ? clusterCandidates(this.clusters) : []), ctx.overlays);
    const centreLabels = new LabelOverlay('centre-labels', () => centreCandidates(centres), ctx.overlays);
    layers.track(ctx.overlays.add(centreLabels));
    layers.track(ctx.overlays.add(clusterLabels));

    const setSelected = (pcode: string | null) => {
      if (selected && styleReady && map.getSource(selected.source)) map.removeFeatureState(selected, 'selected');
      selected = null;
      if (!pcode || !styleReady) return;
      const lv = ADMIN_LEVELS[levelOfPCode(pcode) - 1];
      if (!lv || !map.getSource(lv.id)) return;
      selected = { source: lv.id, sourceLayer: lv.id, id: featureId(pcode) };
      map.setFeatureState(selected, { selected: true });
    };

    const closeProfile = () => {
      profileReq?.abort();
      profile.close();
      setSelected(null);
      params = { ...params, sel: '', cluster: '' };
      this.current = params;
      writeHash();
    };

    const openUnit = async (pcode: string) => {
      profileReq?.abort();
      const ctrl = new AbortController();
      profileReq = ctrl;
      profile.showLoading(pcode);
      setSelected(pcode);
      try {
        const answer = await fetchProfile(pcode, ctrl.signal);
        if (ctrl.signal.aborted || !this.mounted) return;
        profile.show(pcode, { kind: 'unit', unit: answer.unit, sector: params.sector }, answer);
      } catch (err) {
        if ((err as Error).name === 'AbortError' || !this.mounted) return;
        profile.showError(pcode, err);
      }
    };

    const openCluster = (id: string) => {
      profileReq?.abort();
      setSelected(null);
      const f = this.clusters?.features.find((c) => String(c.properties.id) === id);
      if (!f) return;
      const p = f.properties;
      if (p.profile) profile.show(id, { kind: 'cluster', id, members: p.units ?? [], sector: p.sector }, { ...p.profile, nearest_centre: p.nearest_centre ?? p.profile.nearest_centre });
      else profile.showError(id, new Error(i18n.t('cl.unavailable')));
    };

    /** Opens the profile the parameters name, if it is not open already. */
    const syncProfile = () => {
      if (params.sel) {
        if (profile.key !== params.sel) void openUnit(params.sel);
      } else if (params.cluster && params.mode === 'clusters') {
        if (this.clusters) openCluster(params.cluster);
      } else if (profile.isOpen) {
        profileReq?.abort();
        profile.close();
        setSelected(null);
      }
    };

    const showLayers = () => {
      if (!styleReady) return;
      for (const lv of STAT_LEVELS) {
        const on = statistic(params.mode) !== null && lv === params.level;
        map.setLayoutProperty(choroplethLayerId(lv), 'visibility', on ? 'visible' : 'none');
      }
      const pts = params.mode === 'clusters' ? 'visible' : 'none';
      map.setLayoutProperty(OUTLINE_FILL, 'visibility', pts);
      map.setLayoutProperty(OUTLINE_LINE, 'visibility', pts);
      if (params.mode !== 'clusters') clearMarkers();
      clusterLabels.changed();
    };

    const drawClusters = (fc: ClusterCollection | null) => {
      this.clusters = fc;
      clusterLabels.changed();
      clearMarkers();
      const source = map.getSource(OUTLINE_SOURCE) as GeoJSONSource | undefined;
      source?.setData((fc ?? EMPTY) as FeatureCollection);
      if (!fc) return;
      for (const f of fc.features) {
        const c = f.properties.centre;
        if (!c) continue;
        const label = document.createElement('button');
        label.type = 'button';
        label.className = 'cl-count';
        label.dataset.id = String(f.properties.id);
        label.textContent = i18n.formatNumber(f.properties.size);
        label.setAttribute('aria-label', `${clusterName(i18n, String(f.properties.id), f.properties.units ?? [])}: ${i18n.formatNumber(f.properties.size)}`);
        label.addEventListener('click', (e) => {
          e.stopPropagation();
          pickCluster(String(f.properties.id));
        });
        markers.push(new Marker({ element: label }).setLngLat(c).addTo(map));
      }
    };

    const loadCentres = async () => {
      if (!styleReady || centresFor === params.sector) return;
      centresFor = params.sector;
      try {
        const fc = await fetchCentres(params.sector);
        if (!this.mounted || centresFor !== params.sector) return;
        (map.getSource(CENTRE_SOURCE) as GeoJSONSource | undefined)?.setData(fc as FeatureCollection);
        centres = fc;
        centreLabels.changed();
      } catch (err) {
        // Centres are optional: a server without them shows none.
        if (!unavailable(err)) console.warn('guccho: service centres unavailable', err);
        (map.getSource(CENTRE_SOURCE) as GeoJSONSource | undefined)?.setData(EMPTY);
        centres = null;
        centreLabels.changed();
      }
    };

    /** Fetches what the mode shows and draws it. */
    const load = async () => {
      data?.abort();
      const ctrl = new AbortController();
      data = ctrl;
      const p = params;
      panel.setPotential(null);
      if (!p.sector) {
        panel.setStatus({ kind: 'note', text: () => i18n.t('cl.chooseSector') });
        return;
      }
      panel.setStatus({ kind: 'loading' });
      try {
        if (statistic(p.mode)) {
          const answer = await fetchStats(p, ctrl.signal);
          if (ctrl.signal.aborted) return;
          this.classes = classify(p.mode, answer.units, p.sig);
          if (styleReady) map.setPaintProperty(choroplethLayerId(p.level), 'fill-color', fillColour(this.classes) as never);
          panel.setStatus({ kind: 'note', text: () => i18n.t('cl.summary', { count: answer.units.length }) });
        } else if (p.mode === 'clusters') {
          const fc = await fetchClusters(p, ctrl.signal);
          if (ctrl.signal.aborted) return;
          drawClusters(fc);
          panel.setStatus({ kind: 'note', text: () => i18n.t('cl.clustersFound', { count: fc.features.length }) });
          syncProfile();
        } else {
          const list = await fetchPotential(p, ctrl.signal);
          if (ctrl.signal.aborted) return;
          panel.setPotential(list);
          panel.setStatus({ kind: 'idle' });
        }
      } catch (err) {
        if ((err as Error).name === 'AbortError' || ctrl.signal.aborted) return;
        if (p.mode === 'clusters') drawClusters(null);
        panel.setStatus({ kind: 'error', text: () => failure(i18n, err) });
      }
    };

    /** Takes new parameters: writes the hash, redraws what changed. */
    const apply = (next: ClusterParams, fromOutside = false) => {
      // A cluster is open only among point clusters.
      if (next.mode !== 'clusters' && next.cluster) next = { ...next, cluster: '' };
      const before = params;
      params = next;
      this.current = next;
      if (fromOutside) panel.set(next);
      writeHash();
      showLayers();
      const dataKeys: (keyof ClusterParams)[] = ['sector', 'mode', 'level', 'measure', 'weights', 'k', 'bandKm', 'permutations', 'fdr', 'sig', 'method', 'radiusKm', 'minUnits', 'epsM', 'minPoints'];
      if (dataKeys.some((k) => before[k] !== next[k])) this.ready = load();
      if (before.sector !== next.sector) void loadCentres();
      syncProfile();
    };
    this.follow = (next) => {
      if (!next.sector) next = { ...next, sector: params.sector };
      apply(next, true);
    };

    const pickUnit = (pcode: string) => {
      params = { ...params, sel: pcode, cluster: '' };
      this.current = params;
      writeHash();
      syncProfile();
    };
    const pickCluster = (id: string) => {
      params = { ...params, sel: '', cluster: id };
      this.current = params;
      writeHash();
      openCluster(id);
    };
    const pickPotential = (entry: Potential) => {
      if (entry.kind === 'admin_unit') pickUnit(entry.id);
      else apply({ ...params, mode: 'clusters', sel: '', cluster: entry.id }, true);
    };

    writeHash();
    this.ready = load();
    syncProfile();

    await ctx.loaded;
    if (!this.mounted) return;
    addAdminLayers(layers, location.origin, ctx.basemap);
    for (const lv of STAT_LEVELS) {
      layers.addLayer('analysis', {
        id: choroplethLayerId(lv),
        type: 'fill',
        source: SOURCE_OF[lv],
        'source-layer': SOURCE_OF[lv],
        layout: { visibility: 'none' },
        paint: { 'fill-color': fillColour(new Map()) as never, 'fill-opacity': 0.8, 'fill-outline-color': 'rgba(80, 80, 80, 0.35)' },
      });
    }
    layers.addSource(OUTLINE_SOURCE, { type: 'geojson', data: EMPTY });
    layers.addLayer('analysis', {
      id: OUTLINE_FILL,
      type: 'fill',
      source: OUTLINE_SOURCE,
      layout: { visibility: 'none' },
      paint: { 'fill-color': '#d9480f', 'fill-opacity': 0.15 },
    });
    layers.addLayer('analysis', {
      id: OUTLINE_LINE,
      type: 'line',
      source: OUTLINE_SOURCE,
      layout: { visibility: 'none', 'line-join': 'round' },
      paint: { 'line-color': '#d9480f', 'line-width': 2 },
    });
    layers.addSource(CENTRE_SOURCE, { type: 'geojson', data: EMPTY });
    layers.addLayer('highlight', {
      id: CENTRE_LAYER,
      type: 'circle',
      source: CENTRE_SOURCE,
      paint: { 'circle-radius': 6, 'circle-color': '#6a3d9a', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
    });
    styleReady = true;
    // Cleared before the admin sources go (the scope undoes newest first).
    layers.track(() => setSelected(null));
    showLayers();
    if (statistic(params.mode)) map.setPaintProperty(choroplethLayerId(params.level), 'fill-color', fillColour(this.classes) as never);
    if (params.mode === 'clusters') drawClusters(this.clusters);
    if (params.sel) setSelected(params.sel);
    void loadCentres();

    // The member counts are HTML in the interface's digits.
    layers.track(i18n.onChange(() => params.mode === 'clusters' && drawClusters(this.clusters)));

    layers.listen('click', (e: MapMouseEvent) => {
      const centre = map.queryRenderedFeatures(e.point, { layers: [CENTRE_LAYER] })[0];
      if (centre) {
        popup?.remove();
        popup = centrePopup(map, i18n, centre.properties as CentreProps, e.lngLat);
        return;
      }
      if (params.mode === 'clusters') {
        const hit = map.queryRenderedFeatures(e.point, { layers: [OUTLINE_FILL] })[0];
        if (hit) pickCluster(String(hit.properties?.id ?? hit.id));
        return;
      }
      if (!statistic(params.mode)) return;
      const unit = map.queryRenderedFeatures(e.point, { layers: [choroplethLayerId(params.level)] })[0];
      const pcode = unit?.properties?.pcode;
      if (typeof pcode === 'string') pickUnit(pcode);
    });
    layers.listen('mousemove', (e: MapMouseEvent) => {
      const ids = [CENTRE_LAYER, params.mode === 'clusters' ? OUTLINE_FILL : choroplethLayerId(params.level)];
      map.getCanvas().style.cursor = map.queryRenderedFeatures(e.point, { layers: ids }).length ? 'pointer' : '';
    });
    layers.track(() => {
      map.getCanvas().style.cursor = '';
    });
  }
}

/** The popup of a service centre: names in both languages (HTML), services, operator. */
function centrePopup(map: MapLibreMap, i18n: I18n, c: CentreProps, at: { lng: number; lat: number }): Popup {
  const box = document.createElement('div');
  box.className = 'cl-centre';
  const { primary, secondary } = i18n.unitNames({ name_en: c.name_en ?? '', name_bn: c.name_bn ?? '' });
  const h = document.createElement('h3');
  h.textContent = primary;
  box.append(h);
  if (secondary) {
    const s = document.createElement('div');
    s.className = 'cl-centre-alt';
    s.textContent = secondary;
    box.append(s);
  }
  // GeoJSON properties arrive flattened: arrays as JSON text.
  let services: string[] = [];
  try {
    services = Array.isArray(c.services) ? c.services : c.services ? (JSON.parse(c.services) as string[]) : [];
  } catch {
    services = [String(c.services)];
  }
  if (services.length) {
    const p = document.createElement('p');
    p.textContent = `${i18n.t('cl.centre.services')}: ${services.map((s) => i18n.lookup(`service.${s}`, s)).join(', ')}`;
    box.append(p);
  }
  if (c.operator) {
    const p = document.createElement('p');
    p.textContent = `${i18n.t('cl.centre.operator')}: ${c.operator}`;
    box.append(p);
  }
  if (c.synthetic === true || String(c.synthetic) === 'true') {
    const b = document.createElement('span');
    b.className = 'cl-badge';
    b.textContent = i18n.t('cl.centre.synthetic');
    box.append(b);
  }
  return new Popup({ closeButton: true, maxWidth: '280px' }).setLngLat(at).setDOMContent(box).addTo(map);
}

/** The view's module entry, for the registry. */
export function createView(): ClustersView {
  return new ClustersView();
}
