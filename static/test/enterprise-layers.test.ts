import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import {
  CELL_LAYER,
  ENTERPRISE_SOURCE,
  EnterpriseLayer,
  enterpriseLayers,
  parseSectorCounts,
  POINT_LAYER,
  withQuery,
  withSectors,
} from '../src/views/explore/enterprise-layers';
import { SectorCatalogue } from '../src/sectors';
import { LayerRegistry, type LayerMap } from '../src/core/layers';
import { SECTORS } from './fixtures';

const catalogue = new SectorCatalogue(SECTORS);
const TEMPLATE = 'http://h/tiles/enterprises/{z}/{x}/{y}.mvt';

describe('withSectors', () => {
  it.each([
    ['adds the filter', TEMPLATE, ['dairy', 'footwear_leather'], TEMPLATE + '?sector=dairy,footwear_leather'],
    ['keeps a version', TEMPLATE + '?v=17', ['dairy'], TEMPLATE + '?v=17&sector=dairy'],
    ['replaces an old filter', TEMPLATE + '?sector=dairy&v=3', ['rice_milling'], TEMPLATE + '?v=3&sector=rice_milling'],
    ['removes it for all', TEMPLATE + '?v=3&sector=dairy', null, TEMPLATE + '?v=3'],
    ['removes the query when nothing is left', TEMPLATE + '?sector=dairy', null, TEMPLATE],
  ])('%s', (_name, template, sectors, want) => {
    expect(withSectors(template, sectors)).toBe(want);
  });

  it('leaves {z}/{x}/{y} unescaped', () => {
    expect(withQuery(TEMPLATE, { r: '2' })).toBe(TEMPLATE + '?r=2');
  });
});

describe('parseSectorCounts', () => {
  it('reads the compact form, largest first', () => {
    expect(parseSectorCounts('dairy:12,footwear_leather:31,rice_milling:3')).toEqual([
      { code: 'footwear_leather', count: 31 },
      { code: 'dairy', count: 12 },
      { code: 'rice_milling', count: 3 },
    ]);
  });

  it.each([
    ['not a string', 12],
    ['empty', ''],
    ['junk', 'dairy,:4,x:y,footwear:-1'],
  ])('skips %s', (_name, input) => {
    expect(parseSectorCounts(input)).toEqual([]);
  });
});

describe('enterpriseLayers', () => {
  it('draws cells and points from one source-layer, coloured by sector', () => {
    const [cells, points] = enterpriseLayers(catalogue) as unknown as Record<string, any>[];
    expect(cells.id).toBe(CELL_LAYER);
    expect(points.id).toBe(POINT_LAYER);
    for (const l of [cells, points]) {
      expect(l.source).toBe(ENTERPRISE_SOURCE);
      expect(l['source-layer']).toBe('enterprises');
    }
    expect(cells.filter).toEqual(['==', ['get', 'kind'], 'cell']);
    expect(points.filter).toEqual(['==', ['get', 'kind'], 'point']);
    const colour = points.paint['circle-color'];
    expect(colour.slice(0, 2)).toEqual(['match', ['get', 'sector']]);
    expect(colour).toContain('#e41a1c');
  });

  it('draws display points hollow', () => {
    const points = enterpriseLayers(catalogue)[1] as unknown as Record<string, any>;
    const opacity = points.paint['circle-opacity'];
    expect(opacity).toEqual(['case', ['==', ['get', 'display'], true], 0, 0.9]);
  });

  it('sizes cells by the square root of the count', () => {
    const cells = enterpriseLayers(catalogue)[0] as unknown as Record<string, any>;
    expect(JSON.stringify(cells.paint['circle-radius'])).toContain('["sqrt",["get","count"]]');
  });
});

/** A map stand-in that records sources, layers and setTiles calls. */
function fakeMap() {
  const sources = new Map<string, any>();
  const layers = new Map<string, any>();
  const map = {
    sources,
    layers,
    addSource: vi.fn((id: string, spec: any) => {
      sources.set(id, { spec, setTiles: vi.fn((t: string[]) => (spec.tiles = t)) });
    }),
    getSource: (id: string) => sources.get(id),
    removeSource: (id: string) => sources.delete(id),
    addLayer: vi.fn((l: any) => layers.set(l.id, { ...l, layout: {} })),
    getLayer: (id: string) => layers.get(id),
    removeLayer: (id: string) => layers.delete(id),
    setLayoutProperty: (id: string, k: string, v: unknown) => (layers.get(id).layout[k] = v),
  };
  return map;
}

function tilejson(v: number) {
  return new Response(JSON.stringify({ tiles: [`${TEMPLATE}?v=${v}`], minzoom: 0, maxzoom: 14 }), { status: 200 });
}

describe('EnterpriseLayer', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('adds the source from TileJSON with the sector filter in its tiles', async () => {
    const fetchMock = vi.fn(async () => tilejson(1));
    vi.stubGlobal('fetch', fetchMock);
    const map = fakeMap();
    const layer = new EnterpriseLayer(map as unknown as MapLibreMap, catalogue, new LayerRegistry(map as unknown as LayerMap).scope());
    layer.setSectors(['dairy']);
    expect(await layer.add()).toBe(true);
    expect(fetchMock).toHaveBeenCalledWith('/tiles/enterprises.json', expect.anything());
    expect(map.sources.get(ENTERPRISE_SOURCE).spec.tiles).toEqual([`${TEMPLATE}?v=1&sector=dairy`]);
    expect([...map.layers.keys()]).toEqual([CELL_LAYER, POINT_LAYER]);
  });

  it('rebuilds the tiles when the filter changes and hides the layers for none', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => tilejson(1)));
    const map = fakeMap();
    const layer = new EnterpriseLayer(map as unknown as MapLibreMap, catalogue, new LayerRegistry(map as unknown as LayerMap).scope());
    await layer.add();
    const source = map.sources.get(ENTERPRISE_SOURCE);
    layer.setSectors(['dairy', 'rice_milling']);
    expect(source.setTiles).toHaveBeenLastCalledWith([`${TEMPLATE}?v=1&sector=dairy,rice_milling`]);
    layer.setSectors([]);
    expect(map.layers.get(CELL_LAYER).layout.visibility).toBe('none');
    expect(source.setTiles).toHaveBeenCalledTimes(1);
    layer.setSectors(null);
    expect(map.layers.get(POINT_LAYER).layout.visibility).toBe('visible');
    expect(source.setTiles).toHaveBeenLastCalledWith([`${TEMPLATE}?v=1`]);
  });

  it('refreshes with the new version, or a reload counter when it did not move', async () => {
    let v = 1;
    vi.stubGlobal('fetch', vi.fn(async () => tilejson(v)));
    const map = fakeMap();
    const layer = new EnterpriseLayer(map as unknown as MapLibreMap, catalogue, new LayerRegistry(map as unknown as LayerMap).scope());
    await layer.add();
    const source = map.sources.get(ENTERPRISE_SOURCE);
    v = 2;
    await layer.refresh();
    expect(source.setTiles).toHaveBeenLastCalledWith([`${TEMPLATE}?v=2`]);
    await layer.refresh();
    expect(source.setTiles).toHaveBeenLastCalledWith([`${TEMPLATE}?v=2&r=1`]);
  });

  it('adds nothing when the server has no enterprises layer', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"error":{"code":"not_found","message":"no layer"}}', { status: 404 })));
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const map = fakeMap();
    const layer = new EnterpriseLayer(map as unknown as MapLibreMap, catalogue, new LayerRegistry(map as unknown as LayerMap).scope());
    expect(await layer.add()).toBe(false);
    expect(map.sources.size).toBe(0);
  });
});
