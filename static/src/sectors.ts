// The sector catalogue as the app uses it, and the sector filter: which
// sectors the map shows. The filter is "all" until the user narrows it, so a
// URL without sectors= keeps showing sectors added to the catalogue later.

import type { Sector } from './api';
import type { I18n } from './core/i18n';

/** The colour of features whose sector the catalogue does not know. */
export const UNKNOWN_SECTOR_COLOUR = '#8c8c8c';

/** Sectors by code, in catalogue order. */
export class SectorCatalogue {
  private readonly byCode: Map<string, Sector>;

  constructor(readonly sectors: readonly Sector[]) {
    this.byCode = new Map(sectors.map((s) => [s.code, s]));
  }

  get codes(): string[] {
    return this.sectors.map((s) => s.code);
  }

  get(code: string): Sector | undefined {
    return this.byCode.get(code);
  }

  colour(code: string): string {
    return this.byCode.get(code)?.color || UNKNOWN_SECTOR_COLOUR;
  }

  /** The sector's names, current language first; an unknown code names itself. */
  names(code: string, i18n: I18n): { primary: string; secondary: string } {
    const s = this.byCode.get(code);
    return s ? i18n.unitNames(s) : { primary: code, secondary: '' };
  }

  /**
   * The sub-sector's name in the current language where the catalogue knows
   * the code, else the text as given.
   */
  subSectorName(sector: string, sub: string, i18n: I18n): string {
    const found = this.byCode.get(sector)?.sub_sectors?.find((s) => s.code === sub);
    return found ? i18n.unitNames(found).primary : sub;
  }
}

/**
 * SectorFilter is the set of sectors shown: null for all of them, else the
 * chosen codes (possibly none). Listeners hear every change.
 */
export class SectorFilter {
  private chosen: Set<string> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly catalogue: SectorCatalogue) {}

  /** The chosen codes in catalogue order, or null when all are shown. */
  get selected(): string[] | null {
    if (!this.chosen) return null;
    return this.catalogue.codes.filter((c) => this.chosen!.has(c));
  }

  get isAll(): boolean {
    return this.chosen === null;
  }

  get isNone(): boolean {
    return this.chosen !== null && this.chosen.size === 0;
  }

  has(code: string): boolean {
    return this.chosen === null || this.chosen.has(code);
  }

  /**
   * Shows exactly these sectors (null or every code: all). Unknown codes are
   * dropped. Notifies only on a change.
   */
  set(codes: readonly string[] | null): void {
    const known = codes && new Set(codes.filter((c) => this.catalogue.get(c)));
    const next = !known || known.size === this.catalogue.codes.length ? null : known;
    if (sameSet(next, this.chosen)) return;
    this.chosen = next;
    for (const fn of this.listeners) fn();
  }

  /** Shows or hides one sector. */
  toggle(code: string, on: boolean): void {
    const next = new Set(this.chosen ?? this.catalogue.codes);
    if (on) next.add(code);
    else next.delete(code);
    this.set([...next]);
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

function sameSet(a: Set<string> | null, b: Set<string> | null): boolean {
  if (a === null || b === null) return a === b;
  return a.size === b.size && [...a].every((x) => b.has(x));
}
