// Interface strings in English and Bangla, the current language, and how
// names of places and numbers are shown in it. Place names themselves come
// from the API; only the words around them live here.

import type { Level, UnitSummary } from './api';

export type Lang = 'en' | 'bn';
export const LANGS: readonly Lang[] = ['en', 'bn'];

const en = {
  'app.title': 'Guccho — microenterprise clusters of Bangladesh',
  'app.name': 'Guccho',
  'app.tagline': 'Microenterprise clusters of Bangladesh',
  'search.placeholder': 'Search places in English or বাংলা',
  'search.label': 'Search places',
  'search.clear': 'Clear search',
  'search.none': 'No place found',
  'search.error': 'Search failed: {message}',
  'search.matched': 'matched “{name}”',
  'panel.close': 'Close panel',
  'panel.loading': 'Loading…',
  'panel.error': 'Could not load this unit: {message}',
  'panel.level': 'Level',
  'panel.pcode': 'P-code',
  'panel.area': 'Area',
  'panel.children': 'Units inside',
  'panel.parents': 'Part of',
  'panel.altNames': 'Also written',
  'panel.zoomTo': 'Zoom to',
  'panel.km2': '{value} km²',
  'lang.label': 'Interface language',
  'level.1': 'Division',
  'level.2': 'District',
  'level.3': 'Upazila',
  'level.4': 'Union',
} as const;

export type MessageKey = keyof typeof en;
type Dictionary = Record<MessageKey, string>;

const bn: Dictionary = {
  'app.title': 'গুচ্ছ — বাংলাদেশের ক্ষুদ্র উদ্যোগ গুচ্ছ',
  'app.name': 'গুচ্ছ',
  'app.tagline': 'বাংলাদেশের ক্ষুদ্র উদ্যোগ গুচ্ছ',
  'search.placeholder': 'বাংলা বা ইংরেজিতে স্থান খুঁজুন',
  'search.label': 'স্থান খুঁজুন',
  'search.clear': 'খোঁজ মুছুন',
  'search.none': 'কোনো স্থান পাওয়া যায়নি',
  'search.error': 'খোঁজা যায়নি: {message}',
  'search.matched': '“{name}” মিলেছে',
  'panel.close': 'প্যানেল বন্ধ করুন',
  'panel.loading': 'লোড হচ্ছে…',
  'panel.error': 'এই একক লোড করা যায়নি: {message}',
  'panel.level': 'স্তর',
  'panel.pcode': 'পি-কোড',
  'panel.area': 'আয়তন',
  'panel.children': 'ভেতরের একক',
  'panel.parents': 'যার অংশ',
  'panel.altNames': 'অন্য বানান',
  'panel.zoomTo': 'কাছে যান',
  'panel.km2': '{value} বর্গকিমি',
  'lang.label': 'ইন্টারফেসের ভাষা',
  'level.1': 'বিভাগ',
  'level.2': 'জেলা',
  'level.3': 'উপজেলা',
  'level.4': 'ইউনিয়ন',
};

const dictionaries: Record<Lang, Dictionary> = { en, bn };

/** The name of each language written in itself, for the switch. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', bn: 'বাংলা' };

const STORAGE_KEY = 'guccho.lang';

/** Reports whether s names a supported language. */
export function isLang(s: unknown): s is Lang {
  return s === 'en' || s === 'bn';
}

/**
 * I18n holds the current language, persists it in storage (when given) and
 * tells listeners when it changes. Strings take {name} placeholders.
 */
export class I18n {
  private current: Lang;
  private readonly listeners = new Set<(lang: Lang) => void>();

  constructor(private readonly storage?: Pick<Storage, 'getItem' | 'setItem'>, fallback: Lang = 'en') {
    let saved: string | null = null;
    try {
      saved = storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      // storage may be blocked (private mode); fall back silently
    }
    this.current = isLang(saved) ? saved : fallback;
  }

  get lang(): Lang {
    return this.current;
  }

  /** Switches the language, saves the choice and notifies listeners if it changed. */
  setLang(lang: Lang): void {
    if (lang === this.current) return;
    this.current = lang;
    try {
      this.storage?.setItem(STORAGE_KEY, lang);
    } catch {
      // not persisted; the switch still works for this page
    }
    for (const fn of this.listeners) fn(lang);
  }

  /** Calls fn after every change of language; returns a function that unsubscribes. */
  onChange(fn: (lang: Lang) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The string for key in the current language, with {placeholders} filled from vars. */
  t(key: MessageKey, vars: Record<string, string | number> = {}): string {
    const template = dictionaries[this.current][key] ?? en[key];
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? this.formatValue(vars[name]) : whole,
    );
  }

  /** The level's name (Division, জেলা …). */
  levelName(level: Level): string {
    return this.t(`level.${level}` as MessageKey);
  }

  /** A number in the current language's digits (Bangla digits for bn). */
  formatNumber(n: number, maximumFractionDigits = 0): string {
    return new Intl.NumberFormat(this.current === 'bn' ? 'bn-BD' : 'en-GB', { maximumFractionDigits }).format(n);
  }

  /**
   * The unit's name in the current language first, the other one second.
   * A missing Bangla name falls back to English and gives no second name.
   */
  unitNames(u: Pick<UnitSummary, 'name_en' | 'name_bn'>): { primary: string; secondary: string } {
    const bnName = u.name_bn?.trim() ?? '';
    if (!bnName) return { primary: u.name_en, secondary: '' };
    return this.current === 'bn'
      ? { primary: bnName, secondary: u.name_en }
      : { primary: u.name_en, secondary: bnName };
  }

  private formatValue(v: string | number): string {
    return typeof v === 'number' ? this.formatNumber(v) : v;
  }
}
