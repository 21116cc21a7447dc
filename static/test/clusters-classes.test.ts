import { describe, expect, it } from 'vitest';
import { I18n } from '../src/core/i18n';
import { classesOf, classify, fillColour, giClass, LQ_CLASSES, lqClass, moranClass, NO_DATA } from '../src/views/clusters/classes';
import { renderLegend } from '../src/views/clusters/legend';

describe('LQ classes', () => {
  const cases: [number | null, string][] = [
    [0, 'lq-1'],
    [0.79, 'lq-1'],
    [0.8, 'lq-2'],
    [1.249, 'lq-2'],
    [1.25, 'lq-3'],
    [1.99, 'lq-3'],
    [2, 'lq-4'],
    [7.59, 'lq-4'],
    [null, 'none'],
  ];
  it.each(cases)('LQ %s is in class %s', (lq, id) => {
    expect(lqClass(lq).id).toBe(id);
  });
});

describe('hot-spot classes', () => {
  const cases: [string, number, number, 90 | 95 | 99, string][] = [
    ['hot at 99 %', 3.1, 0.004, 95, 'hot-99'],
    ['hot at 95 %', 2.1, 0.03, 95, 'hot-95'],
    ['p = 0.05 exactly is 95 %', 2.0, 0.05, 95, 'hot-95'],
    ['hot at 90 % is not significant at 95 %', 1.5, 0.08, 95, 'ns'],
    ['hot at 90 % when 90 % is chosen', 1.5, 0.08, 90, 'hot-90'],
    ['hot at 95 % is not significant at 99 %', 2.1, 0.03, 99, 'ns'],
    ['cold at 99 %', -3.2, 0.001, 90, 'cold-99'],
    ['cold at 95 %', -2.0, 0.02, 95, 'cold-95'],
    ['nothing', 0.2, 0.6, 90, 'ns'],
  ];
  it.each(cases)('%s', (_, z, p, sig, id) => {
    expect(giClass({ z, p_adj: p }, sig).id).toBe(id);
  });
  it('has no class where z is undefined (an island)', () => {
    expect(giClass({ z: null, p_adj: 0.01 }, 95)).toBe(NO_DATA);
  });
  it('lists only the confidences at or above the chosen one', () => {
    expect(classesOf('hotspots', 99).map((c) => c.id)).toEqual(['hot-99', 'ns', 'cold-99']);
    expect(classesOf('hotspots', 90).map((c) => c.id)).toEqual(['hot-99', 'hot-95', 'hot-90', 'ns', 'cold-90', 'cold-95', 'cold-99']);
  });
});

describe('local Moran classes', () => {
  it('gives the quadrant where significant and ns otherwise', () => {
    expect(moranClass({ quadrant: 'HH', p_adj: 0.01 }, 95).id).toBe('HH');
    expect(moranClass({ quadrant: 'LH', p_adj: 0.04 }, 95).id).toBe('LH');
    expect(moranClass({ quadrant: 'LH', p_adj: 0.04 }, 99).id).toBe('ns');
    expect(moranClass({ quadrant: 'HL', p_adj: 0.09 }, 90).id).toBe('HL');
    expect(moranClass({ quadrant: '', p_adj: 0.01 }, 95)).toBe(NO_DATA);
    expect(classesOf('moran', 95).map((c) => c.id)).toEqual(['HH', 'LH', 'LL', 'HL', 'ns']);
  });
});

describe('choropleth expression', () => {
  const units = [
    { pcode: 'BD304811', name_en: 'Bhairab', name_bn: 'ভৈরব', value: 471, lq: 7.59 },
    { pcode: 'BD201233', name_en: 'Ashuganj', name_bn: 'আশুগঞ্জ', value: 7, lq: 7.68 },
    { pcode: 'BD302616', name_en: 'Dhanmondi', name_bn: 'ধানমন্ডি', value: 3, lq: 1.1 },
    { pcode: 'BD100409', name_en: 'Amtali', name_bn: 'আমতলী', value: 0, lq: null },
  ];
  it('matches P-codes grouped by colour and leaves the rest grey', () => {
    const classes = classify('lq', units, 95);
    expect(classes.get('BD304811')?.id).toBe('lq-4');
    expect(fillColour(classes)).toEqual([
      'match',
      ['get', 'pcode'],
      ['BD201233', 'BD304811'],
      LQ_CLASSES[3].colour,
      ['BD302616'],
      LQ_CLASSES[1].colour,
      NO_DATA.colour,
    ]);
  });
  it('is a plain colour when no unit has a class (a match needs one arm)', () => {
    expect(fillColour(new Map())).toBe(NO_DATA.colour);
  });
});

describe('legend', () => {
  it('names the LQ classes in English and in Bangla, strongest first', () => {
    const i18n = new I18n();
    const ul = document.createElement('ul');
    renderLegend(ul, i18n, { mode: 'lq', sig: 95 });
    expect([...ul.children].map((li) => (li as HTMLElement).dataset.class)).toEqual(['lq-4', 'lq-3', 'lq-2', 'lq-1', 'centre']);
    expect(ul.textContent).toContain('2 and above');
    i18n.setLang('bn');
    renderLegend(ul, i18n, { mode: 'hotspots', sig: 95 });
    expect(ul.textContent).toContain('হট স্পট, ৯৯ % আস্থা');
    expect(ul.textContent).not.toMatch(/[A-Za-z]/);
  });
  it('shows outlines and centres for point clusters', () => {
    const ul = document.createElement('ul');
    renderLegend(ul, new I18n(), { mode: 'clusters', sig: 95 });
    expect([...ul.children].map((li) => (li as HTMLElement).dataset.class)).toEqual(['cluster', 'centre']);
  });
});
