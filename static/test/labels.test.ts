import { describe, expect, it, vi } from 'vitest';
import { OverlayRegistry, type OverlayFrame } from '../src/core/overlays';
import { adminCandidates, AdminLabels, bandsAt, type AdminLabel, type AdminLevel } from '../src/labels/admin';
import { LabelOverlay } from '../src/labels/overlay';
import { labelFont, labelText, overlaps, placeLabels, type LabelCandidate, type Measure } from '../src/labels/placement';

/** A frame of 800 × 600 px where one degree is 100 px and (90, 24) is the centre. */
function frame(patch: Partial<OverlayFrame> = {}): OverlayFrame {
  return {
    width: 800,
    height: 600,
    zoom: 7,
    project: ([lon, lat]) => [400 + (lon - 90) * 100, 300 - (lat - 24) * 100],
    lang: 'en',
    textScale: 1,
    ...patch,
  };
}

/** Every character is 0.6 em wide. */
const measure: Measure = (text, font) => text.length * 0.6 * Number(/(\d+(?:\.\d+)?)px/.exec(font)![1]);

const STYLE = { size: 12, weight: 400, colour: '#333' } as const;

function cand(id: string, at: [number, number], patch: Partial<LabelCandidate> = {}): LabelCandidate {
  return { id, en: id, bn: '', at, priority: 1, rank: 1, style: STYLE, ...patch };
}

describe('labelText', () => {
  it.each([
    ['English in English mode', { en: 'Dhaka', bn: 'ঢাকা' }, 'en', 'Dhaka', false],
    ['Bangla in Bangla mode', { en: 'Dhaka', bn: 'ঢাকা' }, 'bn', 'ঢাকা', true],
    ['English when Bangla is missing', { en: 'Dhaka', bn: '' }, 'bn', 'Dhaka', false],
    ['Bangla when English is missing', { en: ' ', bn: 'ঢাকা' }, 'en', 'ঢাকা', true],
  ] as const)('%s', (_, c, lang, text, bangla) => {
    expect(labelText(c, lang)).toEqual({ text, bangla });
  });

  it('writes Bangla in Noto Sans Bengali and Latin in Noto Sans', () => {
    expect(labelFont(STYLE, true, 1)).toBe('400 12px "Noto Sans Bengali", sans-serif');
    expect(labelFont({ ...STYLE, weight: 600 }, false, 2)).toBe('600 24px "Noto Sans", system-ui, sans-serif');
  });
});

describe('placeLabels', () => {
  it('never places two labels whose boxes overlap', () => {
    // 400 names on a 20 × 20 lattice a third of a degree apart: most collide.
    const cands: LabelCandidate[] = [];
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 20; j++) cands.push(cand(`Unit ${i}-${j}`, [86.5 + i / 3, 21 + j / 3], { rank: i * 20 + j }));
    }
    const placed = placeLabels(cands, frame(), measure);
    expect(placed.length).toBeGreaterThan(10);
    expect(placed.length).toBeLessThan(cands.length);
    for (let a = 0; a < placed.length; a++) {
      for (let b = a + 1; b < placed.length; b++) expect(overlaps(placed[a].box, placed[b].box), `${placed[a].id} × ${placed[b].id}`).toBe(false);
      const [l, t, r, bottom] = placed[a].box;
      expect(l >= 0 && t >= 0 && r <= 800 && bottom <= 600).toBe(true);
    }
  });

  it('gives a contested spot to the better rank, and to higher priority before rank', () => {
    const at: [number, number] = [90, 24];
    expect(placeLabels([cand('second', at, { rank: 2 }), cand('first', at, { rank: 1 })], frame(), measure).map((p) => p.id)).toEqual(['first']);
    const cluster = cand('cluster', [90.05, 24], { priority: 30, rank: 9 });
    expect(placeLabels([cand('district', at, { priority: 13, rank: 1 }), cluster], frame(), measure).map((p) => p.id)).toEqual(['cluster']);
  });

  it('keeps apart labels that only touch through their padding', () => {
    // "abcdefghij" at 12 px is 72 px wide; padded boxes are 78 px wide.
    const near = placeLabels([cand('abcdefghij', [90, 24]), cand('klmnopqrst', [90.75, 24], { rank: 2 })], frame(), measure);
    expect(near.map((p) => p.id)).toEqual(['abcdefghij']);
    const far = placeLabels([cand('abcdefghij', [90, 24]), cand('klmnopqrst', [90.8, 24], { rank: 2 })], frame(), measure);
    expect(far).toHaveLength(2);
  });

  it('leaves out labels that do not fit the frame or their unit', () => {
    const placed = placeLabels(
      [
        cand('Edge', [86.05, 24]), // its box would cross the left side
        cand('Roomy', [90, 24], { roomKm: 20 }), // 20 km is 18 px here; 30 px of text fits
        cand('Cramped name', [91, 25], { roomKm: 5 }), // 86 px of text in 4.5 px of room
      ],
      frame(),
      measure,
    );
    expect(placed.map((p) => p.id)).toEqual(['Roomy']);
  });

  it('writes the frame language, falling back to the other name', () => {
    const placed = placeLabels(
      [cand('BD30', [90, 24], { en: 'Dhaka', bn: 'ঢাকা' }), cand('BD99', [88, 22], { en: 'Nowhere', bn: '' })],
      frame({ lang: 'bn' }),
      measure,
    );
    expect(placed.map((p) => [p.text, p.bangla])).toEqual([
      ['ঢাকা', true],
      ['Nowhere', false],
    ]);
    expect(placed[0].font).toContain('Noto Sans Bengali');
  });

  it('enlarges text, boxes and offsets with textScale', () => {
    const c = cand('Bhairab', [90, 24], { places: [{ dx: 0, dy: 10 }] });
    const [one] = placeLabels([c], frame(), measure);
    const [two] = placeLabels([c], frame({ textScale: 2 }), measure);
    const w = (p: typeof one) => p.box[2] - p.box[0];
    const h = (p: typeof one) => p.box[3] - p.box[1];
    expect(w(two)).toBeCloseTo(2 * w(one));
    expect(h(two)).toBeCloseTo(2 * h(one));
    expect(two.size).toBe(24);
    expect(one.y).toBe(310);
    expect(two.y).toBe(320);
  });
});

describe('places and blanks', () => {
  it('tries the places in order, aligning the text to start or end at the point', () => {
    const blocker = cand('Blocker', [90, 23.75], { priority: 2 }); // centred at (400, 325)
    const c = cand('Centre', [90, 24], {
      places: [
        { dx: 0, dy: 20 }, // under: taken by the blocker
        { dx: 10, dy: 0, align: 'start' },
      ],
    });
    const placed = placeLabels([blocker, c], frame(), measure);
    const centre = placed.find((p) => p.id === 'Centre')!;
    expect(centre.box[0]).toBeCloseTo(410 - 3);
    expect(centre.y).toBe(300);
  });

  it('keeps a blank free of names, and writes nothing there', () => {
    const placed = placeLabels([cand('marker', [90, 24], { blank: [40, 22], priority: 40 }), cand('Dhaka', [90, 24])], frame(), measure);
    expect(placed.map((p) => [p.id, p.text])).toEqual([['marker', '']]);
  });
});

describe('admin levels by zoom', () => {
  const label = (level: AdminLevel, pcode: string): AdminLabel => ({
    pcode,
    level,
    name_en: pcode,
    name_bn: '',
    point: [90, 24],
    room_km: 10,
    area_km2: 100,
    rank: 1,
  });
  const data = new Map<AdminLevel, AdminLabel[]>([
    ['division', [label('division', 'BD30')]],
    ['district', [label('district', 'BD3026')]],
    ['upazila', [label('upazila', 'BD302602')]],
    ['union', [label('union', 'BD30260201')]],
  ]);
  it.each([
    [5.5, ['BD30']],
    [7, ['BD30', 'BD3026']],
    [8, ['BD3026']],
    [9, ['BD3026', 'BD302602']],
    [11, ['BD302602', 'BD30260201']],
    [13, ['BD30260201']],
  ])('zoom %d shows %j', (zoom, ids) => {
    expect(adminCandidates(data, { zoom }).map((c) => c.id)).toEqual(ids);
  });

  it('leaves out a unit named as the shown unit it lies in, while both levels show', () => {
    const named = (level: AdminLevel, pcode: string, name: string): AdminLabel => ({ ...label(level, pcode), name_en: name });
    const dhaka = new Map<AdminLevel, AdminLabel[]>([
      ['division', [named('division', 'BD30', 'Dhaka'), named('division', 'BD20', 'Chattogram')]],
      ['district', [named('district', 'BD3026', 'Dhaka'), named('district', 'BD3048', 'Kishoreganj'), named('district', 'BD2026', 'Dhaka')]],
    ]);
    // BD2026 is not in the division Dhaka: same name, other parent, kept.
    expect(adminCandidates(dhaka, { zoom: 7 }).map((c) => c.id)).toEqual(['BD30', 'BD20', 'BD3048', 'BD2026']);
    // Once divisions are no longer shown, the district has its own name.
    expect(adminCandidates(dhaka, { zoom: 8 }).map((c) => c.id)).toEqual(['BD3026', 'BD3048', 'BD2026']);
  });

  it('ranks coarser levels first', () => {
    const [district, upazila] = adminCandidates(data, { zoom: 9 });
    expect(district.priority).toBeGreaterThan(upazila.priority);
  });

  it('fetches a level once, when a frame first needs it', async () => {
    const fetcher = vi.fn(async (url: string | URL | Request) => {
      const level = new URL(String(url), 'http://x').searchParams.get('level') as AdminLevel;
      return new Response(JSON.stringify({ labels: data.get(level) }));
    });
    const onLoad = vi.fn();
    const admin = new AdminLabels(onLoad, fetcher as typeof fetch);
    expect(admin.candidates({ zoom: 5 })).toEqual([]);
    await admin.load(5);
    expect(admin.candidates({ zoom: 5 }).map((c) => c.id)).toEqual(['BD30']);
    await admin.load(5);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(String(fetcher.mock.calls[0][0])).toBe('/api/labels?level=division');
    expect(onLoad).toHaveBeenCalledTimes(1);
    expect(bandsAt(5).map((b) => b.level)).toEqual(['division']);
  });
});

describe('LabelOverlay', () => {
  /** A 2D context that records what is written. */
  function fakeContext() {
    const written: string[] = [];
    const ctx = {
      font: '',
      measureText: (text: string) => ({ width: measure(text, ctx.font) }),
      fillText: (text: string) => written.push(text),
      strokeText: () => {},
      save: () => {},
      restore: () => {},
    };
    return { ctx: ctx as unknown as CanvasRenderingContext2D, written };
  }

  it("places a view's names before the admin names registered earlier, and each overlay draws its own", () => {
    const registry = new OverlayRegistry();
    const admin = new LabelOverlay('admin', () => [cand('Kishoreganj', [90, 24], { priority: 13 })], registry);
    const clusters = new LabelOverlay('clusters', () => [cand('Cluster at Bhairab', [90.1, 24], { priority: 30 })], registry);
    registry.add(admin);
    registry.add(clusters);
    const f = frame();
    const { ctx, written } = fakeContext();
    admin.draw(ctx, f);
    expect(written).toEqual([]);
    clusters.draw(ctx, f);
    expect(written).toEqual(['Cluster at Bhairab']);
    expect(admin.placed(f, ctx).map((p) => p.id)).toEqual(['clusters/Cluster at Bhairab']);
  });

  it('places again when its candidates change, for the same frame', () => {
    const registry = new OverlayRegistry();
    let names = ['Dhaka'];
    const o = new LabelOverlay('admin', () => names.map((n) => cand(n, [90, 24])), registry);
    registry.add(o);
    const listener = vi.fn();
    registry.onChange(listener);
    const f = frame();
    const { ctx } = fakeContext();
    expect(o.placed(f, ctx).map((p) => p.text)).toEqual(['Dhaka']);
    names = ['Gazipur'];
    o.changed();
    expect(listener).toHaveBeenCalled();
    expect(o.placed(f, ctx).map((p) => p.text)).toEqual(['Gazipur']);
  });
});
