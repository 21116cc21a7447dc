import { describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { ViewSwitcher } from '../src/controls/view-switcher';
import { I18n } from '../src/core/i18n';

describe('ViewSwitcher', () => {
  it('offers each view in the interface language, marks the shown one, and switches on a click', () => {
    const i18n = new I18n();
    const show = vi.fn();
    const sw = new ViewSwitcher(i18n, ['explore', 'clusters', 'valuechain'], show);
    const el = sw.onAdd({} as MapLibreMap);
    sw.setShown('explore');
    const buttons = [...el.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['Explore', 'Clusters', 'Value chains']);
    expect(buttons.map((b) => b.getAttribute('aria-pressed'))).toEqual(['true', 'false', 'false']);
    expect(buttons.every((b) => b.type === 'button')).toBe(true);
    expect(el.getAttribute('aria-label')).toBe('View');
    buttons[1].click();
    expect(show).toHaveBeenCalledWith('clusters');
    buttons[0].click();
    expect(show).toHaveBeenCalledTimes(1);
    i18n.setLang('bn');
    expect(buttons.map((b) => b.textContent)).toEqual(['অনুসন্ধান', 'গুচ্ছ', 'মূল্য শৃঙ্খল']);
    expect(el.getAttribute('aria-label')).toBe('দৃশ্য');
    sw.onRemove();
    expect(el.isConnected).toBe(false);
    expect((i18n as unknown as { listeners: Set<unknown> }).listeners.size).toBe(0);
  });
});
