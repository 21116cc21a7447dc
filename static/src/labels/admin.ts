// Place labels of the admin units: GET /api/labels per level, the zoom band
// of each level and the candidates a frame gets from them.

import type { OverlayFrame } from '../core/overlays';
import type { LabelCandidate, LabelStyle } from './placement';

export type AdminLevel = 'division' | 'district' | 'upazila' | 'union';

/** One label of GET /api/labels. */
export interface AdminLabel {
  pcode: string;
  level: AdminLevel;
  name_en: string;
  name_bn: string;
  point: [number, number];
  room_km: number;
  area_km2: number;
  rank: number;
}

/** A level's labels: the zooms it shows at, [from, to), and how it is written. */
export interface LevelBand {
  level: AdminLevel;
  from: number;
  to: number;
  style: LabelStyle;
}

/**
 * The levels by zoom (MapLibre zoom, 512-px tiles). The bands overlap so that a
 * coarser level's names stay while the next level's first names appear;
 * within a band a unit's name shows only where it fits inside the unit
 * (placement's FIT rule) and collides with no coarser or larger unit's name.
 */
export const LEVEL_BANDS: readonly LevelBand[] = [
  { level: 'division', from: 0, to: 7.5, style: { size: 15, weight: 600, colour: '#23303b' } },
  { level: 'district', from: 6.2, to: 9.6, style: { size: 13, weight: 600, colour: '#33414d' } },
  { level: 'upazila', from: 8.4, to: 11.6, style: { size: 12.5, weight: 600, colour: '#3b4954' } },
  { level: 'union', from: 10.4, to: 99, style: { size: 11, weight: 400, colour: '#56636d' } },
];

/** Priority of admin labels: below cluster and centre names, coarser levels first. */
export const ADMIN_PRIORITY: Record<AdminLevel, number> = { division: 14, district: 13, upazila: 12, union: 11 };

/** The bands a zoom falls in. */
export function bandsAt(zoom: number): LevelBand[] {
  return LEVEL_BANDS.filter((b) => zoom >= b.from && zoom < b.to);
}

/**
 * The candidates of the loaded levels whose band holds frame.zoom. A unit
 * named as the shown unit it lies in (the district Dhaka in the division
 * Dhaka) is left out while both levels show: the coarser name stands for
 * both, rather than the same name twice a few centimetres apart.
 */
export function adminCandidates(data: ReadonlyMap<AdminLevel, readonly AdminLabel[]>, frame: Pick<OverlayFrame, 'zoom'>): LabelCandidate[] {
  const out: LabelCandidate[] = [];
  /** The English names of the coarser units shown, by P-code. */
  const shown = new Map<string, string>();
  const namedAsParent = (l: AdminLabel) => {
    for (let n = l.pcode.length - 2; n >= 4; n -= 2) {
      const parent = shown.get(l.pcode.slice(0, n));
      if (parent !== undefined) return parent === l.name_en;
    }
    return false;
  };
  for (const band of bandsAt(frame.zoom)) {
    const level = data.get(band.level) ?? [];
    const kept = level.filter((l) => !namedAsParent(l));
    for (const l of level) shown.set(l.pcode, l.name_en);
    for (const l of kept) {
      out.push({
        id: l.pcode,
        en: l.name_en,
        bn: l.name_bn,
        at: l.point,
        priority: ADMIN_PRIORITY[band.level],
        rank: l.rank,
        style: band.style,
        roomKm: l.room_km,
      });
    }
  }
  return out;
}

/** AdminLabels fetches each level's labels once, when a frame first needs it, and says when one arrives. */
export class AdminLabels {
  readonly data = new Map<AdminLevel, AdminLabel[]>();
  private readonly loading = new Map<AdminLevel, Promise<void>>();

  constructor(
    private readonly onLoad: () => void,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** Loads the levels shown at zoom; resolves once they have arrived (or failed, which is logged). */
  load(zoom: number): Promise<void> {
    return Promise.all(bandsAt(zoom).map((b) => this.loadLevel(b.level))).then(() => undefined);
  }

  /** The candidates for frame, asking for the levels it needs that have not arrived yet. */
  candidates(frame: Pick<OverlayFrame, 'zoom'>): LabelCandidate[] {
    void this.load(frame.zoom);
    return adminCandidates(this.data, frame);
  }

  private loadLevel(level: AdminLevel): Promise<void> {
    let p = this.loading.get(level);
    if (!p) {
      p = this.fetcher(`/api/labels?level=${level}`)
        .then(async (res) => {
          if (!res.ok) throw new Error(`GET /api/labels?level=${level}: HTTP ${res.status}`);
          const body = (await res.json()) as { labels: AdminLabel[] };
          this.data.set(level, body.labels);
          this.onLoad();
        })
        .catch((err) => {
          console.warn('guccho: place labels unavailable', err);
          // Try again on a later frame.
          setTimeout(() => this.loading.delete(level), 10_000);
        });
      this.loading.set(level, p);
    }
    return p;
  }
}
