import { describe, expect, it } from 'vitest';
import { I18n } from '../src/core/i18n';

/** An in-memory stand-in for localStorage. */
function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('I18n', () => {
  it('starts in English without a saved choice', () => {
    const i18n = new I18n(memoryStorage());
    expect(i18n.lang).toBe('en');
    expect(i18n.t('panel.close')).toBe('Close panel');
  });

  it('restores a saved language and ignores a bad one', () => {
    expect(new I18n(memoryStorage({ 'guccho.lang': 'bn' })).lang).toBe('bn');
    expect(new I18n(memoryStorage({ 'guccho.lang': 'fr' })).lang).toBe('en');
  });

  it('switches language, persists it and notifies once per change', () => {
    const storage = memoryStorage();
    const i18n = new I18n(storage);
    const seen: string[] = [];
    const off = i18n.onChange((l) => seen.push(l));
    i18n.setLang('bn');
    i18n.setLang('bn');
    expect(i18n.t('level.2')).toBe('জেলা');
    expect(storage.data.get('guccho.lang')).toBe('bn');
    off();
    i18n.setLang('en');
    expect(seen).toEqual(['bn']);
  });

  it('fills placeholders, numbers in the language’s digits', () => {
    const i18n = new I18n();
    expect(i18n.t('search.matched', { name: 'Nobabgonj' })).toBe('matched “Nobabgonj”');
    expect(i18n.t('panel.km2', { value: 1464 })).toBe('1,464 km²');
    i18n.setLang('bn');
    expect(i18n.t('panel.km2', { value: 1464 })).toBe('১,৪৬৪ বর্গকিমি');
  });

  it('leaves unknown placeholders visible', () => {
    expect(new I18n().t('search.error')).toBe('Search failed: {message}');
  });

  it('puts the current language’s name first', () => {
    const i18n = new I18n();
    const dhaka = { name_en: 'Dhaka', name_bn: 'ঢাকা' };
    expect(i18n.unitNames(dhaka)).toEqual({ primary: 'Dhaka', secondary: 'ঢাকা' });
    i18n.setLang('bn');
    expect(i18n.unitNames(dhaka)).toEqual({ primary: 'ঢাকা', secondary: 'Dhaka' });
    expect(i18n.unitNames({ name_en: 'Char Kukri Mukri', name_bn: '' })).toEqual({ primary: 'Char Kukri Mukri', secondary: '' });
  });

  it('has every English string in Bangla too', async () => {
    const i18n = new I18n();
    const keys = ['app.title', 'search.placeholder', 'panel.close', 'level.1', 'level.4'] as const;
    const english = keys.map((k) => i18n.t(k));
    i18n.setLang('bn');
    keys.forEach((k, i) => {
      expect(i18n.t(k)).not.toBe(english[i]);
      expect(i18n.t(k)).toMatch(/[\u0980-\u09FF]/);
    });
  });

  it('survives a storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    const i18n = new I18n(broken);
    i18n.setLang('bn');
    expect(i18n.lang).toBe('bn');
  });
});
