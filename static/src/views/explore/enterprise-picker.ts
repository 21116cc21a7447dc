// Hover and click on the enterprises layer: feature-state "hover", an HTML
// tooltip (counts per sector for a cell, the sector for a point), a click on
// a cell zooms in to it and a click on a point reports the enterprise.

import type { MapGeoJSONFeature, Map as MapLibreMap, MapMouseEvent, PointLike } from 'maplibre-gl';
import { CELL_LAYER, ENTERPRISE_SOURCE, parseSectorCounts, POINT_LAYER } from './enterprise-layers';
import type { I18n } from '../../core/i18n';
import type { SectorCatalogue } from '../../sectors';
import { Tooltip } from './tooltip';

/** The zoom from which the server sends single enterprises. */
export const POINT_ZOOM = 12;
/** How many sectors a cell's tooltip lists before "N more". */
const TOOLTIP_SECTORS = 4;

/** The tooltip lines of a cell: title and one line per sector. */
export function cellTooltip(props: Record<string, unknown>, catalogue: SectorCatalogue, i18n: I18n): [string, ...string[]] {
  const count = Number(props.count) || 0;
  const title = count === 1 ? i18n.t('count.enterprise') : i18n.t('count.enterprises', { count });
  const counts = parseSectorCounts(props.sectors);
  const lines = counts.slice(0, TOOLTIP_SECTORS).map((c) => `${catalogue.names(c.code, i18n).primary}: ${i18n.formatNumber(c.count)}`);
  if (counts.length > TOOLTIP_SECTORS) lines.push(i18n.t('cell.others', { count: counts.length - TOOLTIP_SECTORS }));
  lines.push(i18n.t('cell.zoom'));
  return [title, ...lines];
}

/** The tooltip lines of a point. */
export function pointTooltip(props: Record<string, unknown>, catalogue: SectorCatalogue, i18n: I18n): [string, ...string[]] {
  const { primary, secondary } = catalogue.names(String(props.sector ?? ''), i18n);
  const lines = [secondary];
  if (props.display === true) lines.push(i18n.t('point.display'));
  if (props.synthetic === true) lines.push(i18n.t('synthetic.badge'));
  lines.push(i18n.t('point.open'));
  return [primary, ...lines];
}

export interface PickedEnterprise {
  kind: 'cell' | 'point';
  feature: MapGeoJSONFeature;
}

export class EnterprisePicker {
  private hovered: number | string | null = null;
  private readonly tooltip: Tooltip;

  constructor(
    private readonly map: MapLibreMap,
    private readonly i18n: I18n,
    private readonly catalogue: SectorCatalogue,
    private readonly onPoint: (id: string, feature: MapGeoJSONFeature) => void,
    /** Whether the picker acts on the pointer now (not while an editor picks a place). */
    private readonly active: () => boolean = () => true,
  ) {
    this.tooltip = new Tooltip(map.getContainer());
    map.on('mousemove', this.handleMove);
    map.on('mouseout', this.handleLeave);
    map.on('click', this.handleClick);
    map.on('movestart', this.handleLeave);
  }

  /** The enterprise feature at a container point (points before cells), if any. */
  pickAt(point: PointLike): PickedEnterprise | null {
    const layers = [POINT_LAYER, CELL_LAYER].filter((id) => this.map.getLayer(id));
    if (!layers.length) return null;
    const [feature] = this.map.queryRenderedFeatures(point, { layers });
    if (!feature) return null;
    return { kind: feature.layer.id === POINT_LAYER ? 'point' : 'cell', feature };
  }

  remove(): void {
    this.handleLeave();
    this.map.off('mousemove', this.handleMove);
    this.map.off('mouseout', this.handleLeave);
    this.map.off('click', this.handleClick);
    this.map.off('movestart', this.handleLeave);
    this.tooltip.remove();
  }

  private handleMove = (e: MapMouseEvent): void => {
    const picked = this.active() ? this.pickAt(e.point) : null;
    if (!picked) {
      if (this.hovered !== null) this.handleLeave();
      return;
    }
    const { feature } = picked;
    if (feature.id !== this.hovered) {
      this.clearHover();
      if (feature.id !== undefined) {
        this.hovered = feature.id;
        this.setHover(feature.id, true);
      }
    }
    const props = feature.properties ?? {};
    const [title, ...lines] =
      picked.kind === 'cell' ? cellTooltip(props, this.catalogue, this.i18n) : pointTooltip(props, this.catalogue, this.i18n);
    this.tooltip.show(e.point.x, e.point.y, title, ...lines);
    this.map.getCanvas().style.cursor = 'pointer';
  };

  private handleLeave = (): void => {
    const had = this.hovered !== null || !this.tooltip.el.hidden;
    this.clearHover();
    this.tooltip.hide();
    if (had) this.map.getCanvas().style.cursor = '';
  };

  private handleClick = (e: MapMouseEvent): void => {
    const picked = this.active() ? this.pickAt(e.point) : null;
    if (!picked) return;
    const { feature } = picked;
    if (picked.kind === 'point') {
      // The popup says more; the tooltip would cover it.
      this.tooltip.hide();
      const id = feature.properties?.id;
      if (id !== undefined && id !== null) this.onPoint(String(id), feature);
      return;
    }
    const g = feature.geometry;
    const center = g.type === 'Point' ? (g.coordinates as [number, number]) : e.lngLat;
    this.map.flyTo({ center, zoom: Math.min(this.map.getZoom() + 2.5, POINT_ZOOM + 0.5), essential: true });
  };

  private setHover(id: number | string, on: boolean): void {
    if (!this.map.getSource(ENTERPRISE_SOURCE)) return;
    this.map.setFeatureState({ source: ENTERPRISE_SOURCE, sourceLayer: 'enterprises', id }, { hover: on });
  }

  private clearHover(): void {
    if (this.hovered !== null) this.setHover(this.hovered, false);
    this.hovered = null;
  }
}
