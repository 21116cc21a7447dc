import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdminUnit } from '../src/api';
import { I18n } from '../src/core/i18n';
import { UnitPanel } from '../src/views/explore/panel';

const nawabganj: AdminUnit = {
  pcode: 'BD302662',
  level: 3,
  level_name: 'upazila',
  name_en: 'Nawabganj',
  name_en_codab: 'Nawabganj',
  name_bn: 'নবাবগঞ্জ',
  type: '',
  area_km2: 244.8,
  feature_id: 300302662,
  parent: 'BD3026',
  parents: [
    { pcode: 'BD3026', level: 2, level_name: 'district', name_en: 'Dhaka', name_bn: 'ঢাকা' },
    { pcode: 'BD30', level: 1, level_name: 'division', name_en: 'Dhaka', name_bn: 'ঢাকা' },
  ],
  children_count: 14,
  bbox: [89.95, 23.55, 90.15, 23.75],
  label: [90.05, 23.65],
  alt_names: [
    { name: 'Nawabganj', lang: 'en', source: 'cod-ab' },
    { name: 'Nobabgonj', lang: 'en', source: 'variant' },
  ],
};

function setup() {
  const callbacks = { onClose: vi.fn(), onNavigate: vi.fn(), onZoomTo: vi.fn() };
  const i18n = new I18n();
  const panel = new UnitPanel(document.body, i18n, callbacks);
  return { panel, i18n, callbacks };
}

describe('UnitPanel', () => {
  let panel: UnitPanel | undefined;
  afterEach(() => panel?.remove());

  it('shows both names, level, parents from the division down, and other spellings', () => {
    const s = setup();
    panel = s.panel;
    panel.showUnit(nawabganj);
    expect(panel.el.hidden).toBe(false);
    expect(panel.el.querySelector('h2')?.textContent).toBe('Nawabganj');
    expect(panel.el.textContent).toContain('নবাবগঞ্জ');
    const parents = [...panel.el.querySelectorAll<HTMLButtonElement>('.unit-panel-parent')].map((b) => b.dataset.pcode);
    expect(parents).toEqual(['BD30', 'BD3026']);
    expect(panel.el.querySelector('.unit-panel-alts')?.textContent).toBe('Nobabgonj');
    expect(panel.el.getAttribute('aria-labelledby')).toBe('unit-panel-title');
  });

  it('reports parent clicks, zoom and close', () => {
    const s = setup();
    panel = s.panel;
    panel.showUnit(nawabganj);
    panel.el.querySelector<HTMLButtonElement>('[data-pcode="BD3026"]')!.click();
    expect(s.callbacks.onNavigate).toHaveBeenCalledWith('BD3026');
    panel.el.querySelector<HTMLButtonElement>('.unit-panel-zoom')!.click();
    expect(s.callbacks.onZoomTo).toHaveBeenCalledWith(nawabganj);
    const close = panel.el.querySelector<HTMLButtonElement>('.unit-panel-close')!;
    expect(close.getAttribute('aria-label')).toBe('Close panel');
    close.click();
    expect(s.callbacks.onClose).toHaveBeenCalledTimes(1);
  });

  it('links to the unit’s profile in the clusters view, at its level', () => {
    const s = setup();
    panel = s.panel;
    panel.showUnit(nawabganj);
    const link = panel.el.querySelector<HTMLAnchorElement>('.unit-panel-profile')!;
    expect(link.getAttribute('href')).toBe('#view=clusters&level=upazila&sel=BD302662');
    expect(link.textContent).toBe('Profile of its enterprises');
    s.i18n.setLang('bn');
    expect(panel.el.querySelector('.unit-panel-profile')!.textContent).toBe('এখানকার উদ্যোগের বিবরণ');
  });

  it('asks to close on Escape only while open', () => {
    const s = setup();
    panel = s.panel;
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(s.callbacks.onClose).not.toHaveBeenCalled();
    panel.showLoading('BD302662');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', cancelable: true }));
    expect(s.callbacks.onClose).toHaveBeenCalledTimes(1);
  });

  it('re-renders in Bangla when the language changes', () => {
    const s = setup();
    panel = s.panel;
    panel.showUnit(nawabganj);
    s.i18n.setLang('bn');
    expect(panel.el.querySelector('h2')?.textContent).toBe('নবাবগঞ্জ');
    expect(panel.el.querySelector('.unit-panel-level')?.textContent).toBe('উপজেলা');
    expect(panel.el.textContent).toContain('১৪');
  });

  it('shows errors and hides when closed', () => {
    const s = setup();
    panel = s.panel;
    panel.showError('BD99', 'no admin unit BD99');
    expect(panel.el.textContent).toContain('Could not load this unit: no admin unit BD99');
    expect(panel.pcode).toBe('BD99');
    panel.close();
    expect(panel.el.hidden).toBe(true);
    expect(panel.pcode).toBeNull();
  });
});
