// The current language, the catalogue of interface strings in English and
// Bangla, and how names of places and numbers are shown. The shell's
// strings (core/strings.ts) are in the catalogue from the start; each view
// adds its dictionary with addMessages when its module loads, so a lazily
// loaded view brings its strings along. Place names come from the API.

import type { Level, UnitSummary } from '../api';
import { coreBn, coreEn, type CoreKey } from './strings';

export type Lang = 'en' | 'bn';
export const LANGS: readonly Lang[] = ['en', 'bn'];

/**
 * Every message key. A view's strings.ts adds its keys by declaration
 * merging (declare module '…/core/i18n' { interface Messages … }).
 */
export interface Messages extends Record<CoreKey, string> {}

export type MessageKey = keyof Messages & string;

/** One language's strings for a set of keys. */
export type Dictionary<K extends string = MessageKey> = Record<K, string>;

/** The catalogue: every dictionary added so far, by language. */
const catalogue: Record<Lang, Map<string, string>> = { en: new Map(), bn: new Map() };

/**
 * Adds a view's dictionaries to the catalogue. Both languages must name the
 * same keys; adding the same dictionary again changes nothing.
 */
export function addMessages<K extends string>(dicts: { en: Record<K, string>; bn: Record<K, string> }): void {
  for (const lang of LANGS) for (const [k, v] of Object.entries<string>(dicts[lang])) catalogue[lang].set(k, v);
}

/** Whether the catalogue holds key (in English, the fallback language). */
export function hasMessage(key: string): key is MessageKey {
  return catalogue.en.has(key);
}

addMessages({ en: coreEn, bn: coreBn });

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
    const template = catalogue[this.current].get(key) ?? catalogue.en.get(key) ?? key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? this.formatValue(vars[name]) : whole,
    );
  }

  /**
   * The string for a key built at run time (method.gps, flag.…), or
   * fallback when neither dictionary has it.
   */
  lookup(key: string, fallback: string): string {
    return hasMessage(key) ? this.t(key) : fallback;
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
