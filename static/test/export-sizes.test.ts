import { describe, expect, it } from 'vitest';
import { I18n } from '../src/core/i18n';
import { fitCamera, pieces, project, unproject } from '../src/export/camera';
import { ellipsize } from '../src/export/compose';
import { textRuns } from '../src/export/pptx';
import { checkSize, layoutPage, LIMIT, metresPerPixel, PAPER_PRESETS, presetSize, scaleBar, SizeError } from '../src/export/sizes';
import { exploreLegend } from '../src/views/explore/legend';
import { legendOf } from '../src/views/clusters/legend';
import { SectorCatalogue } from '../src/sectors';

describe('PNG size presets', () => {
  const size = (id: string) => presetSize(PAPER_PRESETS.find((p) => p.id === id)!);

  it('are A4 and A3 in both orientations at 150 and 300 dpi, in whole pixels', () => {
    expect(PAPER_PRESETS.map((p) => p.id).sort()).toEqual(
      ['a3-landscape-150', 'a3-landscape-300', 'a3-portrait-150', 'a3-portrait-300',
       'a4-landscape-150', 'a4-landscape-300', 'a4-portrait-150', 'a4-portrait-300'],
    );
    expect(size('a4-landscape-150')).toEqual({ width: 1754, height: 1240 });
    expect(size('a4-portrait-300')).toEqual({ width: 2480, height: 3508 });
    expect(size('a3-portrait-300')).toEqual({ width: 3508, height: 4961 });
  });

  it('all lie within the limit, which is A3 at 300 dpi', () => {
    expect(LIMIT).toEqual({ width: 4961, height: 3508 });
    for (const p of PAPER_PRESETS) expect(() => checkSize(presetSize(p).width, presetSize(p).height)).not.toThrow();
  });
});

describe('checkSize', () => {
  it('takes the limit in either orientation', () => {
    expect(checkSize(4961, 3508)).toEqual({ width: 4961, height: 3508 });
    expect(checkSize(3508, 4961)).toEqual({ width: 3508, height: 4961 });
  });

  it.each([
    ['a side longer than the limit', 4962, 1000],
    ['more pixels than the limit', 4961, 3509],
    ['a screen wall', 7680, 4320],
  ])('refuses %s, naming the limit', (_name, w, h) => {
    let err: unknown;
    try {
      checkSize(w, h);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SizeError);
    const e = err as SizeError;
    expect(e.key).toBe('export.tooLarge');
    expect(e.message).toContain('A3 at 300 dpi (4961 × 3508 px)');
    expect(e.message).toContain(`${w} × ${h}`);
    const i18n = new I18n();
    expect(i18n.t(e.key, e.vars)).toContain('A3 at 300 dpi (4961 × 3508 px)');
    i18n.setLang('bn');
    expect(i18n.t(e.key, e.vars)).toContain('এ৩');
    expect(i18n.t(e.key, e.vars)).toContain('4961 × 3508');
  });

  it.each([
    ['width', 0, 500],
    ['width', 12.5, 500],
    ['height', 500, Number.NaN],
    ['height', 500, 99],
  ])('refuses a bad %s, naming it', (param, w, h) => {
    expect(() => checkSize(w, h)).toThrow(`parameter ${param}`);
  });
});

describe('scale bar', () => {
  it('metres per pixel follow Web Mercator at MapLibre’s 512-pixel tiles', () => {
    expect(metresPerPixel(0, 0)).toBeCloseTo(78271.517, 2);
    expect(metresPerPixel(60, 1)).toBeCloseTo(78271.517 / 4, 2);
  });

  it.each([
    // mpp, max px, metres, value, unit
    [10, 100, 1000, 1, 'km'],
    [37.5, 200, 5000, 5, 'km'],
    [3, 100, 200, 200, 'm'],
    [1234, 150, 100000, 100, 'km'],
  ])('at %f m/px within %i px is %i m', (mpp, maxPx, metres, value, unit) => {
    const bar = scaleBar(mpp, maxPx);
    expect(bar.metres).toBe(metres);
    expect(bar.value).toBe(value);
    expect(bar.unit).toBe(unit);
    expect(bar.px).toBeCloseTo(metres / mpp, 9);
    expect(bar.px).toBeLessThanOrEqual(maxPx);
    // The next round length up would not fit.
    expect(bar.px * (String(metres)[0] === '2' ? 2.5 : 2)).toBeGreaterThan(maxPx);
  });

  it('refuses a scale that is not positive', () => {
    expect(() => scaleBar(0, 100)).toThrow('metres per pixel');
  });
});

describe('page layout', () => {
  it('puts the title above the map and the footer below it, inside the margins', () => {
    const L = layoutPage(1754, 1240, { title: true, footer: true });
    expect(L.title.y).toBeLessThan(L.subtitle.y);
    expect(L.subtitle.y).toBeLessThanOrEqual(L.map.y);
    expect(L.map.y + L.map.h).toBeLessThan(L.footer.y[0] - L.footer.size);
    expect(L.footer.y[1]).toBeLessThanOrEqual(1240 - L.margin + 1e-9);
    expect(L.map.x).toBe(L.margin);
    expect(L.map.x + L.map.w).toBeCloseTo(1754 - L.margin, 9);
    expect(L.map.h).toBeGreaterThan(1240 * 0.7);
  });

  it('without title and footer gives the whole page to the map', () => {
    expect(layoutPage(800, 600, { title: false, footer: false }).map).toEqual({ x: 0, y: 0, w: 800, h: 600 });
  });
});

describe('export camera', () => {
  const screen = { center: [90.4, 23.7] as [number, number], zoom: 7, width: 1000, height: 600 };

  it('fits what the screen shows into the export, keeping the centre', () => {
    const cam = fitCamera(screen, 2000, 2000);
    expect(cam.zoom).toBeCloseTo(8, 9);
    expect(cam.center).toEqual(screen.center);
    // The screen's corners are inside the export.
    for (const corner of [[0, 0], [1000, 600]] as [number, number][]) {
      const [x, y] = project(cam, unproject(screen, corner));
      expect(x).toBeGreaterThanOrEqual(-1e-6);
      expect(x).toBeLessThanOrEqual(2000 + 1e-6);
      expect(y).toBeGreaterThanOrEqual(-1e-6);
      expect(y).toBeLessThanOrEqual(2000 + 1e-6);
    }
  });

  it('projects the centre to the middle and unprojects back', () => {
    expect(project(screen, screen.center)).toEqual([500, 300]);
    const ll = unproject(screen, [123, 456]);
    const [x, y] = project(screen, ll);
    expect(x).toBeCloseTo(123, 6);
    expect(y).toBeCloseTo(456, 6);
  });

  it('cuts a drawing larger than the GPU allows into pieces that cover it once', () => {
    const parts = pieces(1600, 1100, 3.125, 4096);
    expect(parts.every((p) => p.width * 3.125 <= 4096 && p.height * 3.125 <= 4096)).toBe(true);
    expect(parts.reduce((a, p) => a + p.width * p.height, 0)).toBe(1600 * 1100);
    expect(pieces(1000, 700, 1, 4096)).toEqual([{ x: 0, y: 0, width: 1000, height: 700 }]);
  });
});

describe('export text', () => {
  it('shortens a line with an ellipsis without cutting a vowel sign from its consonant', () => {
    const measure = (s: string) => [...s].length;
    expect(ellipsize('short', 10, measure)).toBe('short');
    // Cutting code points would leave "কিশ…", the consonant without its vowel sign ো.
    expect(ellipsize('কিশোরগঞ্জ জেলা', 4, measure)).toBe('কি…');
    expect(ellipsize('কিশোরগঞ্জ জেলা', 6, measure)).toBe('কিশোর…');
  });

  it('gives PowerPoint runs of Bangla and of other text', () => {
    expect(textRuns('Footwear — কিশোরগঞ্জ (2026)')).toEqual([
      { text: 'Footwear — ', bangla: false },
      { text: 'কিশোরগঞ্জ (2026)', bangla: true },
    ]);
  });
});

describe('legends', () => {
  const catalogue = new SectorCatalogue([
    { code: 'dairy', name_en: 'Dairy', name_bn: 'দুগ্ধ', color: '#1f77b4', sub_sectors: [] },
    { code: 'footwear', name_en: 'Footwear', name_bn: 'পাদুকা', color: '#ff7f0e', sub_sectors: [] },
  ] as never);

  it('explore lists the sectors shown in their colours, then the borders', () => {
    const i18n = new I18n();
    const l = exploreLegend(i18n, catalogue, ['footwear']);
    expect(l.title).toBe('Enterprises by sector');
    expect(l.items.map((i) => [i.label, i.colour, i.shape])).toEqual([
      ['Footwear', '#ff7f0e', 'circle'],
      ['Administrative boundaries', '#5d6670', 'line'],
    ]);
    i18n.setLang('bn');
    expect(exploreLegend(i18n, catalogue, null).items.map((i) => i.label)).toEqual(['দুগ্ধ', 'পাদুকা', 'প্রশাসনিক সীমানা']);
  });

  it('clusters lists the classes of its mode', () => {
    const i18n = new I18n();
    const lq = legendOf(i18n, { mode: 'lq', sig: 95 });
    expect(lq.title).toBe('Location quotient (LQ)');
    expect(lq.items.length).toBeGreaterThanOrEqual(4);
    expect(legendOf(i18n, { mode: 'clusters', sig: 95 }).items.some((i) => i.shape === 'line')).toBe(true);
  });
});
