import { describe, expect, it } from 'vitest';
import {
  actorPoints,
  bottlenecksOf,
  columnsOf,
  flowLines,
  keyActors,
  linkWeights,
  neighbourhood,
  crossings,
  orderColumns,
  presetLayout,
  presetPositions,
  rowsPerColumn,
  SUB_WIDTH,
  sankeyInput,
  BAND_GAP,
  ROW_HEIGHT,
} from '../src/views/valuechain/model';
import { chain, generatedChain } from './valuechain-fixture';

describe('stage columns', () => {
  it('puts operators in the chain’s stage order, marks empty stages missing and the others in the band', () => {
    const cols = columnsOf(chain());
    expect(cols.columns.map((c) => [c.role, c.actors.map((a) => a.id), c.missing])).toEqual([
      ['input_supplier', ['glue', 'leather'], false],
      ['producer', ['w1', 'w2', 'w3'], false],
      ['collector', ['paikar'], false],
      ['processor', [], true],
      ['wholesaler', ['dhaka'], false],
      ['retailer', ['shop'], false],
      ['exporter', [], true],
    ]);
    expect(cols.band.map((a) => a.id)).toEqual(['mfi', 'bscic']);
  });

  it('uses the seven operator stages when the server names none', () => {
    expect(columnsOf({ ...chain(), stages: [] }).columns).toHaveLength(7);
  });

  it('places columns left to right and the band below the deepest column', () => {
    const pos = presetPositions(columnsOf(chain()));
    expect(pos.get('leather')!.x).toBeLessThan(pos.get('w1')!.x);
    expect(pos.get('w1')!.x).toBeLessThan(pos.get('paikar')!.x);
    expect(pos.get('dhaka')!.x).toBeLessThan(pos.get('shop')!.x);
    const deepest = 3 * ROW_HEIGHT;
    expect(pos.get('mfi')!.y).toBe(deepest + BAND_GAP);
    expect(pos.get('w3')!.y).toBeLessThan(pos.get('mfi')!.y);
  });
});

describe('column order', () => {
  const twoByTwo = () => ({
    ...chain(),
    actors: [
      { id: 'a', name: 'A', name_bn: '', role: 'producer' },
      { id: 'b', name: 'B', name_bn: '', role: 'producer' },
      { id: 'x', name: 'X', name_bn: '', role: 'collector' },
      { id: 'y', name: 'Y', name_bn: '', role: 'collector' },
    ],
    links: [
      { id: '1', from: 'a', to: 'y', flow: 'goods' },
      { id: '2', from: 'b', to: 'x', flow: 'goods' },
    ],
  });

  it('uncrosses two crossed links', () => {
    const doc = twoByTwo();
    expect(crossings(doc, columnsOf(doc))).toBe(1);
    const ordered = orderColumns(doc, columnsOf(doc));
    expect(crossings(doc, ordered)).toBe(0);
    expect(ordered.columns[2].actors.map((a) => a.id)).toEqual(['y', 'x']);
  });

  it('crosses far fewer links than id order on a random chain, and gives the same order every time', () => {
    // A seeded random chain: 40 suppliers, 200 producers, 60 collectors, 2 links in and out each.
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const doc = chain();
    doc.actors = [];
    doc.links = [];
    const make = (role: string, n: number) => Array.from({ length: n }, (_, i) => (doc.actors.push({ id: `${role}${i}`, name: '', name_bn: '', role }), `${role}${i}`));
    const sup = make('input_supplier', 40);
    const pro = make('producer', 200);
    const col = make('collector', 60);
    for (const p of pro)
      for (let k = 0; k < 2; k++) {
        doc.links.push({ id: `s${doc.links.length}`, from: sup[Math.floor(rand() * sup.length)], to: p, flow: 'goods' });
        doc.links.push({ id: `c${doc.links.length}`, from: p, to: col[Math.floor(rand() * col.length)], flow: 'goods' });
      }
    const before = crossings(doc, columnsOf(doc));
    const after = crossings(doc, orderColumns(doc, columnsOf(doc)));
    expect(after).toBeLessThan(before * 0.75);
    expect(orderColumns(doc, columnsOf(doc)).columns[1].actors.map((a) => a.id)).toEqual(orderColumns(doc, columnsOf(doc)).columns[1].actors.map((a) => a.id));
  });
});

describe('large columns', () => {
  it('wrap into sub-columns so a 2,000-actor graph is wider than high', () => {
    const doc = generatedChain(2000);
    const rows = rowsPerColumn(2000);
    expect(rows).toBeGreaterThan(12);
    const { positions, centres } = presetLayout(columnsOf(doc));
    const producers = doc.actors.filter((a) => a.role === 'producer').map((a) => positions.get(a.id)!);
    expect(new Set(producers.map((p) => p.y)).size).toBe(rows);
    expect(new Set(producers.map((p) => p.x)).size).toBe(Math.ceil(producers.length / rows));
    const xs = [...positions.values()].map((p) => p.x);
    const ys = [...positions.values()].map((p) => p.y);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(Math.max(...ys) - Math.min(...ys));
    // Columns follow each other: the collectors start after the last producer sub-column.
    const firstCollector = positions.get('collector-0')!.x;
    expect(firstCollector).toBeGreaterThan(Math.max(...producers.map((p) => p.x)));
    expect(centres[1]).toBeCloseTo((Math.min(...producers.map((p) => p.x)) + Math.max(...producers.map((p) => p.x))) / 2);
    expect(SUB_WIDTH).toBeGreaterThan(0);
  });

  it('leave small chains one sub-column per stage', () => {
    const { positions } = presetLayout(columnsOf(chain()));
    expect(positions.get('w1')!.x).toBe(positions.get('w3')!.x);
  });
});

describe('key actors and bottlenecks', () => {
  it('ranks key actors by betweenness above zero', () => {
    expect([...keyActors(chain())]).toEqual(['dhaka', 'paikar', 'w1']);
    expect([...keyActors(chain(), 1)]).toEqual(['dhaka']);
  });

  it('splits bottlenecks into actors and links', () => {
    const b = bottlenecksOf(chain());
    expect([...b.actors].sort()).toEqual(['dhaka', 'paikar', 'shop']);
    expect([...b.links]).toEqual(['l8']);
  });
});

describe('selection neighbourhood', () => {
  it('lights an actor with its links', () => {
    const n = neighbourhood(chain(), { kind: 'actor', id: 'w1' });
    expect([...n.actors]).toEqual(['w1']);
    expect([...n.links].sort()).toEqual(['l1', 'l4', 'l9']);
  });
  it('lights a link with its two actors', () => {
    const n = neighbourhood(chain(), { kind: 'link', id: 'l7' });
    expect([...n.actors]).toEqual(['paikar', 'dhaka']);
    expect([...n.links]).toEqual(['l7']);
  });
  it('lights nothing for no selection or an unknown link', () => {
    expect(neighbourhood(chain(), null).actors.size).toBe(0);
    expect(neighbourhood(chain(), { kind: 'link', id: 'nope' }).links.size).toBe(0);
  });
});

describe('sankey input', () => {
  it('draws goods to later stages only, actors as nodes in their columns', () => {
    const s = sankeyInput(chain());
    expect(s.byStage).toBe(false);
    expect(s.links.map((l) => `${l.source}>${l.target}`).sort()).toEqual(
      ['dhaka>shop', 'glue>w3', 'leather>w1', 'leather>w2', 'paikar>dhaka', 'w1>paikar', 'w2>paikar', 'w3>dhaka'].sort(),
    );
    expect(s.nodes.find((n) => n.id === 'shop')!.column).toBe(5);
    // Money (mfi) and services (bscic) are not goods.
    expect(s.nodes.some((n) => n.id === 'mfi' || n.id === 'bscic')).toBe(false);
  });

  it('counts a link without a value as 1 and marks it unvalued', () => {
    const glue = sankeyInput(chain()).links.find((l) => l.source === 'glue')!;
    expect(glue).toMatchObject({ value: 1, valued: false, links: ['l3'] });
  });

  it('leaves out goods that run within a stage or backwards', () => {
    const doc = chain();
    doc.links.push({ id: 'same', from: 'w1', to: 'w2', flow: 'goods', value_bdt: 5 }, { id: 'back', from: 'shop', to: 'dhaka', flow: 'goods', value_bdt: 5 });
    const ids = sankeyInput(doc).links.flatMap((l) => l.links);
    expect(ids).not.toContain('same');
    expect(ids).not.toContain('back');
  });

  it('draws stages instead of actors above the limit, summing values per pair of stages', () => {
    const s = sankeyInput(chain(), 3);
    expect(s.byStage).toBe(true);
    expect(s.nodes.map((n) => n.id)).toEqual(['stage:input_supplier', 'stage:producer', 'stage:collector', 'stage:wholesaler', 'stage:retailer']);
    const prodToColl = s.links.find((l) => l.source === 'stage:producer' && l.target === 'stage:collector')!;
    expect(prodToColl.value).toBe(2200000);
    expect(prodToColl.links.sort()).toEqual(['l4', 'l5']);
    expect(s.nodes.find((n) => n.id === 'stage:producer')!.actors).toEqual(['w1', 'w2', 'w3']);
  });

  it('keeps a 2,000-actor chain by stage', () => {
    const s = sankeyInput(generatedChain(2000));
    expect(s.byStage).toBe(true);
    expect(s.nodes.length).toBe(5);
  });
});

describe('map flows', () => {
  it('weighs volumes within one flow and unit only, values when there is no volume', () => {
    const w = linkWeights(chain());
    expect(w.get('l8')).toBeCloseTo(1); // the largest volume in pairs
    expect(w.get('l7')).toBeCloseTo(Math.sqrt(11000 / 12000));
    expect(w.get('l1')).toBeCloseTo(1); // the largest in sq ft, not compared with pairs
    expect(w.get('l2')).toBeCloseTo(0.5);
    expect(w.get('l9')).toBeCloseTo(1); // money by value
    expect(w.get('l10')).toBe(0); // neither volume nor value
  });

  it('draws a line per link between located actors, bottleneck links marked', () => {
    const lines = flowLines(chain());
    const ids = lines.features.map((f) => f.properties!.id);
    expect(ids).not.toContain('l10'); // bscic has no location
    expect(ids).toContain('l9');
    const l8 = lines.features.find((f) => f.properties!.id === 'l8')!;
    expect(l8.geometry.coordinates).toEqual([
      [90.4, 23.71],
      [90.41, 23.75],
    ]);
    expect(l8.properties).toMatchObject({ flow: 'goods', bottleneck: true });
  });

  it('names services one way whichever spelling the server uses', () => {
    const doc = chain();
    doc.actors.find((a) => a.id === 'bscic')!.lon = 91;
    doc.actors.find((a) => a.id === 'bscic')!.lat = 24;
    doc.links.find((l) => l.id === 'l10')!.flow = 'service';
    expect(flowLines(doc).features.find((f) => f.properties!.id === 'l10')!.properties!.flow).toBe('services');
  });

  it('gives located actors as points with their marks', () => {
    const pts = actorPoints(chain());
    expect(pts.features).toHaveLength(9);
    expect(pts.features.find((f) => f.properties!.id === 'dhaka')!.properties).toMatchObject({ key: true, bottleneck: true, fn: 'operator' });
    expect(pts.features.find((f) => f.properties!.id === 'mfi')!.properties).toMatchObject({ key: false, fn: 'supporter' });
  });
});

describe('bottleneck links', () => {
  it('marks every goods link between the ends the analysis names', () => {
    const doc = chain();
    doc.links.push({ id: 'l8b', from: 'dhaka', to: 'shop', flow: 'goods', product: 'sandals', volume: 10, unit: 'pairs' });
    doc.links.push({ id: 'l8m', from: 'dhaka', to: 'shop', flow: 'money', value_bdt: 10 });
    doc.analysis.bottlenecks = [{ kind: 'link', id: 'l8', from: 'dhaka', to: 'shop', producers_cut: 3 }];
    expect([...bottlenecksOf(doc).links].sort()).toEqual(['l8', 'l8b']);
  });
});
