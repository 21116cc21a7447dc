// The layer registry: every view adds its map layers into named slots whose
// stacking order is fixed, whatever order views add them in, and through a
// scope that remembers all it added — sources, layers, map listeners,
// controls and any other undo step — so that one clear() on unmount leaves
// the map as the view found it.

import type { AddLayerObject, IControl, Map as MapLibreMap, MapEventType, SourceSpecification } from 'maplibre-gl';

/**
 * The slots, bottom to top: under everything of ours (base), admin-unit
 * fills, analysis surfaces (choropleths, hotspots), enterprises, admin-unit
 * borders, highlights (selection, live marks) and labels. A layer in a slot
 * lies above every layer of the slots before it and below those after it;
 * within a slot, later layers lie above earlier ones. The basemap's own
 * layers lie under all slots.
 */
export const SLOTS = ['base', 'admin-fill', 'analysis', 'enterprises', 'admin-lines', 'highlight', 'labels'] as const;

export type Slot = (typeof SLOTS)[number];

/** Where a module adds its sources and layers (a LayerScope in the app). */
export interface LayerSink {
  addSource(id: string, source: SourceSpecification): void;
  addLayer(slot: Slot, layer: AddLayerObject): void;
}

/** The parts of a MapLibre map the registry uses. */
export type LayerMap = Pick<MapLibreMap, 'addLayer' | 'removeLayer' | 'getLayer' | 'addSource' | 'removeSource' | 'getSource' | 'on' | 'off'> &
  Partial<Pick<MapLibreMap, 'addControl' | 'removeControl'>>;

/** A layer the registry placed. */
export interface PlacedLayer {
  id: string;
  slot: Slot;
}

/** LayerRegistry keeps the layers of all scopes on one map in slot order. */
export class LayerRegistry {
  private readonly placed: PlacedLayer[] = [];

  constructor(readonly map: LayerMap) {}

  /** A new scope: what one view (or one part of it) adds, to clear as a whole. */
  scope(): LayerScope {
    return new LayerScope(this);
  }

  /** The layers placed so far, bottom to top. */
  get layers(): readonly PlacedLayer[] {
    return this.placed;
  }

  /** Adds layer at the top of its slot. */
  place(slot: Slot, layer: AddLayerObject): void {
    const rank = SLOTS.indexOf(slot);
    // Forget layers removed behind the registry's back, so none is named as beforeId.
    for (let i = this.placed.length - 1; i >= 0; i--) if (!this.map.getLayer(this.placed[i].id)) this.placed.splice(i, 1);
    let at = this.placed.findIndex((p) => SLOTS.indexOf(p.slot) > rank);
    if (at < 0) at = this.placed.length;
    this.map.addLayer(layer, this.placed[at]?.id);
    this.placed.splice(at, 0, { id: layer.id, slot });
  }

  /** Removes a layer the registry placed (if the map still has it). */
  unplace(id: string): void {
    const at = this.placed.findIndex((p) => p.id === id);
    if (at >= 0) this.placed.splice(at, 1);
    if (this.map.getLayer(id)) this.map.removeLayer(id);
  }
}

/**
 * LayerScope adds to the map through the registry and remembers how to undo
 * each addition; clear() undoes them all, newest first, and closes the
 * scope: what a view's late async work adds afterwards is ignored, so a
 * view that unmounted while a fetch was out leaves nothing behind.
 */
export class LayerScope implements LayerSink {
  private readonly undo: (() => void)[] = [];
  private layerIds = new Set<string>();
  private sourceIds = new Set<string>();
  private listenerCount = 0;
  private closed = false;

  constructor(private readonly registry: LayerRegistry) {}

  private get map(): LayerMap {
    return this.registry.map;
  }

  /** Whether clear() has run. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** What the scope holds now: ids of its layers and sources, and its number of listeners. */
  get held(): { layers: string[]; sources: string[]; listeners: number } {
    return { layers: [...this.layerIds], sources: [...this.sourceIds], listeners: this.listenerCount };
  }

  addSource(id: string, source: SourceSpecification): void {
    if (this.closed) return;
    this.map.addSource(id, source);
    this.sourceIds.add(id);
    this.undo.push(() => {
      this.sourceIds.delete(id);
      if (this.map.getSource(id)) this.map.removeSource(id);
    });
  }

  addLayer(slot: Slot, layer: AddLayerObject): void {
    if (this.closed) return;
    this.registry.place(slot, layer);
    this.layerIds.add(layer.id);
    this.undo.push(() => {
      this.layerIds.delete(layer.id);
      this.registry.unplace(layer.id);
    });
  }

  /** Listens to a map event until clear(); returns a function that stops listening sooner. */
  listen<T extends keyof MapEventType>(type: T, fn: (e: MapEventType[T]) => void): () => void {
    if (this.closed) return () => {};
    this.map.on(type, fn);
    this.listenerCount++;
    let on = true;
    const off = () => {
      if (!on) return;
      on = false;
      this.listenerCount--;
      this.map.off(type, fn);
    };
    this.undo.push(off);
    return off;
  }

  /** Adds a control to the map until clear(). */
  addControl(control: IControl, position?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right'): void {
    if (this.closed || !this.map.addControl) return;
    this.map.addControl(control, position);
    this.undo.push(() => this.map.removeControl?.(control));
  }

  /**
   * Runs fn at clear() (newest first, with the additions): removing a
   * component, unsubscribing from shared state. When the scope is already
   * closed, runs it at once.
   */
  track(fn: () => void): void {
    if (this.closed) fn();
    else this.undo.push(fn);
  }

  /** Undoes everything, newest first, and closes the scope. */
  clear(): void {
    this.closed = true;
    for (let f = this.undo.pop(); f; f = this.undo.pop()) {
      try {
        f();
      } catch (err) {
        console.error('guccho: clearing a view', err);
      }
    }
  }
}
