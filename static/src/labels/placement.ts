// Label placement: which names a frame shows and where, as a pure function
// of the candidates, the frame and a text measure, so the live map, the
// exports and the unit tests all place labels the same way.

import type { OverlayFrame } from '../core/overlays';

/** How a label is written: size in CSS px at textScale 1, weight, colour. */
export interface LabelStyle {
  size: number;
  weight: 400 | 600;
  colour: string;
}

/** A name that may be written on the map. */
export interface LabelCandidate {
  /** Unique among all candidates (a P-code, "cluster:<id>", "centre:<id>"). */
  id: string;
  en: string;
  bn: string;
  /** Longitude, latitude of the anchor. */
  at: [number, number];
  /** Candidates of higher priority are placed first (clusters, centres, then admin levels, coarsest first). */
  priority: number;
  /** Within one priority, lower ranks are placed first. */
  rank: number;
  style: LabelStyle;
  /** Where the text may go, tried in order; none: centred on the anchor. */
  places?: readonly LabelPlace[];
  /**
   * Keeps a box of this size (CSS px at textScale 1, padding added) free
   * around the anchor and writes nothing: the place of something drawn
   * otherwise, such as an HTML marker, that names must not cover.
   */
  blank?: [number, number];
  /**
   * Room around the anchor inside its unit, in km (GET /api/labels'
   * room_km): a label wider than FIT times that, at the frame's scale, does
   * not fit its unit and is left out. Absent or 0: no such check.
   */
  roomKm?: number;
}

/**
 * A place for a label's text relative to its anchor, in CSS px at textScale
 * 1: the point (dx, dy) from the anchor, and the text centred on it, or
 * starting at it ("start": the text lies right of the point) or ending at it
 * ("end").
 */
export interface LabelPlace {
  dx: number;
  dy: number;
  align?: 'center' | 'start' | 'end';
}

/** Where the text of a label goes by default: centred on its anchor. */
const CENTRED: readonly LabelPlace[] = [{ dx: 0, dy: 0 }];

/** A label placed on a frame. */
export interface PlacedLabel {
  id: string;
  /** The text written; "" for a blank (a kept box). */
  text: string;
  /** Whether the text is Bangla (drawn in Noto Sans Bengali). */
  bangla: boolean;
  /** The CSS font the text is measured and drawn with. */
  font: string;
  colour: string;
  /** Centre of the text, in the frame's CSS px. */
  x: number;
  y: number;
  /** The box the label keeps free, padding included: [left, top, right, bottom]. */
  box: [number, number, number, number];
  /** Text size in CSS px (style size × textScale), for the halo's width. */
  size: number;
}

/** Measures a text's width in CSS px with a CSS font (ctx.measureText on a canvas). */
export type Measure = (text: string, font: string) => number;

/** Space kept free around each label, in CSS px at textScale 1. */
export const PADDING = 3;
/** A label may be this many times as wide as its unit's inscribed circle (names are wider than tall, and units are rarely round). */
export const FIT = 2.6;
/** Kilometres per degree of latitude (mean Earth radius), as the server measures room_km. */
const KM_PER_DEGREE = (6371.0088 * Math.PI) / 180;

const FAMILY_BN = '"Noto Sans Bengali", sans-serif';
const FAMILY_LATIN = '"Noto Sans", system-ui, sans-serif';

/**
 * The text of a candidate in a language: the Bangla name in Bangla mode and
 * the English name in English mode, each falling back to the other when
 * missing; bangla says which one it is.
 */
export function labelText(c: Pick<LabelCandidate, 'en' | 'bn'>, lang: 'en' | 'bn'): { text: string; bangla: boolean } {
  const en = c.en?.trim() ?? '';
  const bn = c.bn?.trim() ?? '';
  if (lang === 'bn' ? bn : !en) return { text: bn, bangla: true };
  return { text: en, bangla: false };
}

/** The CSS font of a label: Noto Sans Bengali for Bangla, Noto Sans (or the system's sans) for Latin. */
export function labelFont(style: LabelStyle, bangla: boolean, textScale: number): string {
  const size = Math.round(style.size * textScale * 10) / 10;
  return `${style.weight} ${size}px ${bangla ? FAMILY_BN : FAMILY_LATIN}`;
}

/** Whether two boxes share any area. */
export function overlaps(a: readonly number[], b: readonly number[]): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/**
 * Places labels greedily: candidates in order of priority (highest first)
 * then rank (lowest first); each is written at the first of its places
 * where its box, padding included, lies wholly inside the frame and
 * overlaps no label placed before it, provided that, when it has room, it
 * is no wider than FIT times its room. Sizes, offsets and padding grow with
 * frame.textScale. Blanks keep their box wherever they fall (they are not
 * held to the frame) and write nothing. Candidates with no text in either
 * language are skipped.
 */
export function placeLabels(candidates: readonly LabelCandidate[], frame: OverlayFrame, measure: Measure): PlacedLabel[] {
  const order = [...candidates].sort((a, b) => b.priority - a.priority || a.rank - b.rank);
  const scale = frame.textScale;
  const pad = PADDING * scale;
  const placed: PlacedLabel[] = [];
  for (const c of order) {
    const [ax, ay] = frame.project(c.at);
    if (!Number.isFinite(ax) || !Number.isFinite(ay)) continue;
    // Quick rejection before measuring: far outside the frame.
    if (ax < -200 * scale || ay < -100 * scale || ax > frame.width + 200 * scale || ay > frame.height + 100 * scale) continue;
    if (c.blank) {
      const [bw, bh] = c.blank;
      const box: [number, number, number, number] = [ax - (bw * scale) / 2 - pad, ay - (bh * scale) / 2 - pad, ax + (bw * scale) / 2 + pad, ay + (bh * scale) / 2 + pad];
      placed.push({ id: c.id, text: '', bangla: false, font: '', colour: '', x: ax, y: ay, box, size: 0 });
      continue;
    }
    const { text, bangla } = labelText(c, frame.lang);
    if (!text) continue;
    const size = c.style.size * scale;
    const font = labelFont(c.style, bangla, scale);
    const width = measure(text, font);
    if (c.roomKm && c.roomKm > 0) {
      const north = frame.project([c.at[0], c.at[1] + c.roomKm / KM_PER_DEGREE]);
      const roomPx = Math.hypot(north[0] - ax, north[1] - ay);
      if (width > FIT * roomPx) continue;
    }
    // Bengali script reaches further above and below the line than Latin.
    const half = (size * (bangla ? 1.5 : 1.3)) / 2;
    for (const place of c.places ?? CENTRED) {
      const shift = place.align === 'start' ? width / 2 : place.align === 'end' ? -width / 2 : 0;
      const x = ax + place.dx * scale + shift;
      const y = ay + place.dy * scale;
      const box: [number, number, number, number] = [x - width / 2 - pad, y - half - pad, x + width / 2 + pad, y + half + pad];
      if (box[0] < 0 || box[1] < 0 || box[2] > frame.width || box[3] > frame.height) continue;
      if (placed.some((p) => overlaps(p.box, box))) continue;
      placed.push({ id: c.id, text, bangla, font, colour: c.style.colour, x, y, box, size });
      break;
    }
  }
  return placed;
}
