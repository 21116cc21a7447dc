import { describe, expect, it, vi } from 'vitest';
import type { AddLayerObject, IControl } from 'maplibre-gl';
import { LayerRegistry, SLOTS, type LayerMap } from '../src/core/layers';
import { fakeMap } from './fake-map';

const layer = (id: string, source = 'src'): AddLayerObject => ({ id, type: 'line', source });

function setup() {
  const map = fakeMap();
  map.addLayer({ id: 'basemap-water' }); // a basemap layer, under all slots
  const registry = new LayerRegistry(map as unknown as LayerMap);
  return { map, registry };
}

describe('LayerRegistry', () => {
  it('stacks layers by slot, whatever order they are added in', () => {
    const { map, registry } = setup();
    const a = registry.scope();
    const b = registry.scope();
    a.addSource('src', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    a.addLayer('labels', layer('names'));
    b.addLayer('admin-lines', layer('borders'));
    a.addLayer('admin-fill', layer('fills'));
    b.addLayer('highlight', layer('selected'));
    a.addLayer('enterprises', layer('cells'));
    a.addLayer('enterprises', layer('points'));
    b.addLayer('base', layer('hillshade'));
    b.addLayer('analysis', layer('choropleth'));
    expect(map.snapshot().layers).toEqual(['basemap-water', 'hillshade', 'fills', 'choropleth', 'cells', 'points', 'borders', 'selected', 'names']);
    expect(registry.layers.map((p) => p.slot)).toEqual(['base', 'admin-fill', 'analysis', 'enterprises', 'enterprises', 'admin-lines', 'highlight', 'labels']);
    expect(SLOTS).toEqual(['base', 'admin-fill', 'analysis', 'enterprises', 'admin-lines', 'highlight', 'labels']);
  });

  it('places a layer right even when one above it was removed behind its back', () => {
    const { map, registry } = setup();
    const s = registry.scope();
    s.addLayer('labels', layer('names'));
    map.removeLayer('names');
    s.addLayer('base', layer('hillshade'));
    expect(map.snapshot().layers).toEqual(['basemap-water', 'hillshade']);
  });
});

describe('LayerScope', () => {
  it('clears everything it added, newest first, and leaves the rest', () => {
    const { map, registry } = setup();
    const other = registry.scope();
    other.addLayer('admin-lines', layer('borders', 'admin'));
    const before = map.snapshot();

    const s = registry.scope();
    const order: string[] = [];
    s.addSource('src', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    s.addLayer('admin-fill', layer('fills'));
    s.addLayer('labels', layer('names'));
    s.listen('click', () => {});
    s.listen('moveend', () => {});
    const stop = s.listen('moveend', () => {});
    const control: IControl = { onAdd: () => document.createElement('div'), onRemove: () => {} };
    s.addControl(control, 'top-right');
    s.track(() => order.push('first tracked'));
    s.track(() => order.push('second tracked'));
    stop();
    expect(s.held).toEqual({ layers: ['fills', 'names'], sources: ['src'], listeners: 2 });
    expect(map.snapshot()).toEqual({
      layers: ['basemap-water', 'fills', 'borders', 'names'],
      sources: ['src'],
      listeners: { click: 1, moveend: 1 },
      controls: 1,
    });

    s.clear();
    expect(order).toEqual(['second tracked', 'first tracked']);
    expect(map.snapshot()).toEqual(before);
    expect(s.held).toEqual({ layers: [], sources: [], listeners: 0 });
    expect(registry.layers.map((p) => p.id)).toEqual(['borders']);
  });

  it('ignores additions after clear, and runs late cleanups at once', () => {
    const { map, registry } = setup();
    const s = registry.scope();
    s.clear();
    const before = map.snapshot();
    s.addSource('late', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    s.addLayer('enterprises', layer('late-points', 'late'));
    s.listen('click', () => {});
    const cleanup = vi.fn();
    s.track(cleanup);
    expect(map.snapshot()).toEqual(before);
    expect(cleanup).toHaveBeenCalledOnce();
    expect(s.isClosed).toBe(true);
  });

  it('keeps clearing when one undo step throws', () => {
    const { map, registry } = setup();
    const s = registry.scope();
    s.addLayer('labels', layer('names'));
    s.track(() => {
      throw new Error('boom');
    });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    s.clear();
    spy.mockRestore();
    expect(map.snapshot().layers).toEqual(['basemap-water']);
  });
});
