import { afterEach, describe, expect, it } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { SectorControl } from '../src/views/explore/sector-control';
import { I18n } from '../src/core/i18n';
import { SectorCatalogue, SectorFilter } from '../src/sectors';
import { SECTORS } from './fixtures';

function setup() {
  const i18n = new I18n();
  const catalogue = new SectorCatalogue(SECTORS);
  const filter = new SectorFilter(catalogue);
  const control = new SectorControl(i18n, catalogue, filter);
  const el = control.onAdd({} as MapLibreMap);
  document.body.append(el);
  return { i18n, filter, control, el };
}

const rowText = (el: HTMLElement) =>
  [...el.querySelectorAll<HTMLLabelElement>('.sector-row')].map((r) => [
    r.dataset.sector,
    r.querySelector('.sector-name')!.textContent,
    r.querySelector('.sector-count')!.textContent,
    r.querySelector('input')!.checked,
  ]);

describe('SectorControl', () => {
  let control: SectorControl | undefined;
  afterEach(() => control?.onRemove());

  it('lists every sector with swatch, name and count, all checked', () => {
    const s = setup();
    control = s.control;
    s.control.setStats({ total: 5457, by_sector: { dairy: 620, footwear_leather: 1210 }, synthetic: 5457 });
    expect(rowText(s.el)).toEqual([
      ['dairy', 'Dairy', '620', true],
      ['footwear_leather', 'Footwear and leather', '1,210', true],
      ['rice_milling', 'Rice milling', '0', true],
    ]);
    expect(s.el.querySelector<HTMLElement>('.sector-swatch')!.style.background).toBe('rgb(128, 177, 211)');
    expect(s.el.querySelector('.guccho-sectors-total')?.textContent).toBe('5,457 enterprises');
    expect(s.el.querySelector('legend')?.textContent).toBe('Show enterprises of these sectors');
  });

  it('explains cells, surveyed points and display points', () => {
    const s = setup();
    control = s.control;
    const keys = [...s.el.querySelectorAll('.legend-key')].map((k) => [k.querySelector('.legend-symbol')!.className, k.textContent]);
    expect(keys).toEqual([
      ['legend-symbol cell', 'Circle size: enterprises in the area'],
      ['legend-symbol gps', 'Surveyed GPS location'],
      ['legend-symbol display', 'Placed inside its admin unit — not a surveyed location'],
    ]);
  });

  it('hides counts when the server has none', () => {
    const s = setup();
    control = s.control;
    s.control.setStats(null);
    expect([...s.el.querySelectorAll<HTMLElement>('.sector-count')].every((c) => c.hidden)).toBe(true);
    expect(s.el.querySelector('.guccho-sectors-total')?.textContent).toBe('');
  });

  it('drives the filter with its checkboxes and All / None, and follows it', () => {
    const s = setup();
    control = s.control;
    const box = s.el.querySelector<HTMLInputElement>('input[data-sector="dairy"]')!;
    box.click();
    expect(s.filter.selected).toEqual(['footwear_leather', 'rice_milling']);
    const [all, none] = s.el.querySelectorAll<HTMLButtonElement>('.guccho-sectors-actions button');
    expect(all.disabled).toBe(false);
    none.click();
    expect(s.filter.isNone).toBe(true);
    expect(rowText(s.el).map((r) => r[3])).toEqual([false, false, false]);
    expect(none.disabled).toBe(true);
    all.click();
    expect(s.filter.isAll).toBe(true);
    s.filter.set(['rice_milling']);
    expect(rowText(s.el).map((r) => r[3])).toEqual([false, false, true]);
  });

  it('names sectors in Bangla with Bangla digits after a switch', () => {
    const s = setup();
    control = s.control;
    s.control.setStats({ total: 12, by_sector: { dairy: 12 }, synthetic: 0 });
    s.i18n.setLang('bn');
    expect(rowText(s.el)[0]).toEqual(['dairy', 'দুগ্ধ', '১২', true]);
    expect(s.el.querySelector('.guccho-sectors-title')?.textContent).toBe('খাত');
  });

  it('folds away and back, saying so to assistive technology', () => {
    const s = setup();
    control = s.control;
    const toggle = s.el.querySelector<HTMLButtonElement>('.guccho-sectors-toggle')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    toggle.click();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(s.el.querySelector<HTMLElement>('.guccho-sectors-body')!.hidden).toBe(true);
  });

  it('leaves nothing behind on remove', () => {
    const s = setup();
    s.control.onRemove();
    expect(document.querySelector('.guccho-sectors')).toBeNull();
    s.filter.set([]); // no listener left to touch the removed control
    control = undefined;
  });
});
