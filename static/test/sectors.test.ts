import { describe, expect, it, vi } from 'vitest';
import { formatHash, parseHash } from '../src/core/hash';
import { I18n } from '../src/core/i18n';
import { SectorCatalogue, SectorFilter, UNKNOWN_SECTOR_COLOUR } from '../src/sectors';
import { SECTORS } from './fixtures';

const catalogue = new SectorCatalogue(SECTORS);

describe('SectorCatalogue', () => {
  it('names sectors in the interface language and sub-sectors by code', () => {
    const i18n = new I18n();
    expect(catalogue.names('dairy', i18n)).toEqual({ primary: 'Dairy', secondary: 'দুগ্ধ' });
    expect(catalogue.subSectorName('dairy', 'milk', i18n)).toBe('Milk production');
    expect(catalogue.subSectorName('dairy', 'goat cheese', i18n)).toBe('goat cheese');
    i18n.setLang('bn');
    expect(catalogue.names('footwear_leather', i18n).primary).toBe('পাদুকা ও চামড়া');
    expect(catalogue.subSectorName('footwear_leather', 'footwear', i18n)).toBe('জুতা');
  });

  it('falls back for unknown codes', () => {
    expect(catalogue.names('space_travel', new I18n())).toEqual({ primary: 'space_travel', secondary: '' });
    expect(catalogue.colour('space_travel')).toBe(UNKNOWN_SECTOR_COLOUR);
    expect(catalogue.colour('dairy')).toBe('#80b1d3');
  });
});

describe('SectorFilter', () => {
  it('starts with all sectors shown', () => {
    const f = new SectorFilter(catalogue);
    expect(f.selected).toBeNull();
    expect(f.isAll).toBe(true);
    expect(SECTORS.every((s) => f.has(s.code))).toBe(true);
  });

  it('narrows by toggling, in catalogue order, and widens back to all', () => {
    const f = new SectorFilter(catalogue);
    const changed = vi.fn();
    f.onChange(changed);
    f.toggle('dairy', false);
    expect(f.selected).toEqual(['footwear_leather', 'rice_milling']);
    expect(f.has('dairy')).toBe(false);
    f.toggle('dairy', true);
    expect(f.selected).toBeNull();
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('drops unknown codes, tells none from all, and notifies only on change', () => {
    const f = new SectorFilter(catalogue);
    const changed = vi.fn();
    f.onChange(changed);
    f.set(['rice_milling', 'dairy', 'bogus']);
    expect(f.selected).toEqual(['dairy', 'rice_milling']);
    f.set(['dairy', 'rice_milling']);
    expect(changed).toHaveBeenCalledTimes(1);
    f.set([]);
    expect(f.isNone).toBe(true);
    expect(f.selected).toEqual([]);
    f.set(['dairy', 'footwear_leather', 'rice_milling']);
    expect(f.isAll).toBe(true);
    expect(changed).toHaveBeenCalledTimes(3);
  });
});

describe('sector filter in the URL hash', () => {
  it.each([
    ['a list', '#z=8&lon=90.99&lat=24.05&sectors=dairy,footwear_leather', ['dairy', 'footwear_leather']],
    ['none', '#sectors=', []],
    ['junk and repeats dropped', '#sectors=Dairy,dairy,,bad code,<x>', ['dairy']],
  ])('parses %s', (_name, hash, want) => {
    expect(parseHash(hash).sectors).toEqual(want);
  });

  it('is absent when all sectors are shown', () => {
    expect(parseHash('#z=8').sectors).toBeUndefined();
    expect(formatHash({ zoom: 8 })).toBe('#z=8');
  });

  it('round-trips through the filter', () => {
    const f = new SectorFilter(catalogue);
    f.toggle('rice_milling', false);
    const hash = formatHash({ zoom: 8, center: [90.99, 24.05], sectors: f.selected ?? undefined });
    expect(hash).toBe('#z=8&lon=90.99&lat=24.05&sectors=dairy,footwear_leather');
    const g = new SectorFilter(catalogue);
    g.set(parseHash(hash).sectors ?? null);
    expect(g.selected).toEqual(f.selected);
  });
});
