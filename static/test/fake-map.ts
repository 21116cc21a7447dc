// A stand-in for the parts of a MapLibre map that the layer registry and
// views use: layers in stacking order, sources, listeners by event type and
// controls, so tests can compare what a map holds before and after.

import type { IControl } from 'maplibre-gl';

export function fakeMap() {
  const layers: { id: string }[] = [];
  const sources = new Map<string, unknown>();
  const listeners = new Map<string, Set<(e: unknown) => void>>();
  const controls: IControl[] = [];
  const map = {
    layers,
    sources,
    listeners,
    controls,
    addLayer(layer: { id: string }, beforeId?: string) {
      if (layers.some((l) => l.id === layer.id)) throw new Error(`layer ${layer.id} exists`);
      if (beforeId !== undefined && !layers.some((l) => l.id === beforeId)) throw new Error(`no layer ${beforeId} to add before`);
      const at = beforeId === undefined ? layers.length : layers.findIndex((l) => l.id === beforeId);
      layers.splice(at, 0, layer);
      return map;
    },
    getLayer: (id: string) => layers.find((l) => l.id === id),
    removeLayer(id: string) {
      const at = layers.findIndex((l) => l.id === id);
      if (at < 0) throw new Error(`no layer ${id}`);
      layers.splice(at, 1);
      return map;
    },
    addSource(id: string, spec: unknown) {
      if (sources.has(id)) throw new Error(`source ${id} exists`);
      sources.set(id, spec);
      return map;
    },
    getSource: (id: string) => sources.get(id),
    removeSource(id: string) {
      if (layers.some((l) => (l as { source?: string }).source === id)) throw new Error(`source ${id} is in use`);
      sources.delete(id);
      return map;
    },
    on(type: string, fn: (e: unknown) => void) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(fn);
      return map;
    },
    off(type: string, fn: (e: unknown) => void) {
      listeners.get(type)?.delete(fn);
      return map;
    },
    fire(type: string, e: unknown = {}) {
      for (const fn of [...(listeners.get(type) ?? [])]) fn(e);
    },
    addControl(c: IControl) {
      controls.push(c);
      return map;
    },
    removeControl(c: IControl) {
      controls.splice(controls.indexOf(c), 1);
      return map;
    },
    /** What the map holds: layer ids in order, source ids, listeners per type, number of controls. */
    snapshot() {
      return {
        layers: layers.map((l) => l.id),
        sources: [...sources.keys()],
        listeners: Object.fromEntries([...listeners].filter(([, s]) => s.size).map(([t, s]) => [t, s.size])),
        controls: controls.length,
      };
    },
  };
  return map;
}

export type FakeMap = ReturnType<typeof fakeMap>;
