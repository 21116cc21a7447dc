// Hover and selection highlights through feature-state. A unit is addressed
// by its level (which names source and source-layer) and its feature id.

import type { Map as MapLibreMap, MapGeoJSONFeature, MapMouseEvent } from 'maplibre-gl';
import type { Level } from '../../api';
import { adminLevel, fillLayerId, finestLevelAt } from './admin-layers';
import type { I18n } from '../../core/i18n';
import { Tooltip } from './tooltip';

export interface UnitRef {
  level: Level;
  id: number;
}

function setState(map: MapLibreMap, ref: UnitRef, state: Record<string, boolean>): void {
  const { id } = adminLevel(ref.level);
  if (!map.getSource(id)) return;
  map.setFeatureState({ source: id, sourceLayer: id, id: ref.id }, state);
}

/** Selection keeps at most one unit in feature-state "selected". */
export class Selection {
  private current: UnitRef | null = null;

  constructor(private readonly map: MapLibreMap) {}

  get ref(): UnitRef | null {
    return this.current;
  }

  set(ref: UnitRef | null): void {
    if (this.current) setState(this.map, this.current, { selected: false });
    this.current = ref;
    if (ref) setState(this.map, ref, { selected: true });
  }
}

/** What the pointer found: the finest visible unit at a point. */
export interface PickedUnit extends UnitRef {
  pcode: string;
  feature: MapGeoJSONFeature;
}

/**
 * HoverPicker highlights the finest visible unit under the pointer, names it
 * in a tooltip, and reports clicks on units through onPick. Where yieldTo
 * says a layer drawn above the units wants the pointer, it stands aside.
 */
export class HoverPicker {
  private hovered: UnitRef | null = null;
  private readonly tooltip: Tooltip;

  constructor(
    private readonly map: MapLibreMap,
    private readonly i18n: I18n,
    private readonly onPick: (unit: PickedUnit) => void,
    private readonly yieldTo: (point: { x: number; y: number }) => boolean = () => false,
  ) {
    this.tooltip = new Tooltip(map.getContainer());
    map.on('mousemove', this.handleMove);
    map.on('mouseout', this.handleLeave);
    map.on('click', this.handleClick);
    map.on('zoomend', this.handleLeave);
  }

  /** The finest visible unit at a container point, if any. */
  pickAt(point: [number, number] | { x: number; y: number }): PickedUnit | null {
    const level = finestLevelAt(this.map.getZoom());
    if (!this.map.getLayer(fillLayerId(level))) return null;
    const [feature] = this.map.queryRenderedFeatures(point as [number, number], { layers: [fillLayerId(level)] });
    if (!feature || feature.id === undefined) return null;
    return { level: level.level, id: Number(feature.id), pcode: String(feature.properties.pcode), feature };
  }

  private handleMove = (e: MapMouseEvent): void => {
    if (this.yieldTo(e.point)) {
      // The other layer owns the cursor now.
      this.clearHover();
      this.tooltip.hide();
      return;
    }
    const unit = this.pickAt(e.point);
    if (!unit) return this.handleLeave();
    if (!this.hovered || this.hovered.id !== unit.id) {
      this.clearHover();
      this.hovered = { level: unit.level, id: unit.id };
      setState(this.map, this.hovered, { hover: true });
    }
    const p = unit.feature.properties;
    const { primary, secondary } = this.i18n.unitNames({ name_en: String(p.name_en ?? ''), name_bn: String(p.name_bn ?? '') });
    this.tooltip.show(e.point.x, e.point.y, primary, secondary, this.i18n.levelName(unit.level));
    this.map.getCanvas().style.cursor = 'pointer';
  };

  private handleLeave = (): void => {
    this.clearHover();
    this.tooltip.hide();
    this.map.getCanvas().style.cursor = '';
  };

  private handleClick = (e: MapMouseEvent): void => {
    if (this.yieldTo(e.point)) return;
    const unit = this.pickAt(e.point);
    if (unit) this.onPick(unit);
  };

  private clearHover(): void {
    if (this.hovered) setState(this.map, this.hovered, { hover: false });
    this.hovered = null;
  }

  /** Removes listeners, highlight and tooltip. */
  remove(): void {
    this.handleLeave();
    this.map.off('mousemove', this.handleMove);
    this.map.off('mouseout', this.handleLeave);
    this.map.off('click', this.handleClick);
    this.map.off('zoomend', this.handleLeave);
    this.tooltip.remove();
  }
}
