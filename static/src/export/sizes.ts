// Pure arithmetic of exports: the PNG size presets and the size limit, the
// scale bar's round length, and where title, map and footer go on a page.

/** A paper size in millimetres, portrait. */
const PAPER = { a4: [210, 297], a3: [297, 420] } as const;

export type Paper = keyof typeof PAPER;
export type Orientation = 'portrait' | 'landscape';

/** A PNG size preset: a paper size, orientation and resolution. */
export interface PaperPreset {
  id: string;
  paper: Paper;
  orientation: Orientation;
  dpi: 150 | 300;
}

/** The paper presets the export dialog offers, besides "as on screen" and a custom size. */
export const PAPER_PRESETS: readonly PaperPreset[] = (['a4', 'a3'] as const).flatMap((paper) =>
  ([150, 300] as const).flatMap((dpi) =>
    (['landscape', 'portrait'] as const).map((orientation) => ({ id: `${paper}-${orientation}-${dpi}`, paper, orientation, dpi })),
  ),
);

/** Pixels of a length in millimetres at dpi, rounded. */
export function mmToPx(mm: number, dpi: number): number {
  return Math.round((mm / 25.4) * dpi);
}

/** The pixel size of a paper preset. */
export function presetSize(p: PaperPreset): { width: number; height: number } {
  const [w, h] = PAPER[p.paper];
  const a = mmToPx(w, p.dpi);
  const b = mmToPx(h, p.dpi);
  return p.orientation === 'portrait' ? { width: a, height: b } : { width: b, height: a };
}

/**
 * The largest export: A3 at 300 dpi, 4961 × 3508 px in either orientation.
 * A size is allowed when neither side is longer than its long side and it
 * has no more pixels than it (so 4961 × 3508 and 3508 × 4961 both pass).
 */
export const LIMIT = presetSize({ id: 'a3-landscape-300', paper: 'a3', orientation: 'landscape', dpi: 300 });
const LIMIT_SIDE = Math.max(LIMIT.width, LIMIT.height);
const LIMIT_PIXELS = LIMIT.width * LIMIT.height;
/** The smallest side of an export, in pixels. */
export const MIN_SIDE = 100;

/** Why a size was refused: the message key, the parameter at fault and the values to put in the message. */
export class SizeError extends Error {
  constructor(
    readonly key: 'export.tooLarge' | 'export.badSize',
    readonly param: 'width' | 'height' | 'size',
    readonly vars: Record<string, string | number>,
  ) {
    super(
      key === 'export.tooLarge'
        ? `parameter size: ${vars.size} px is larger than the largest export, A3 at 300 dpi (${vars.limit} px)`
        : `parameter ${param}: must be a whole number of pixels, at least ${vars.min}`,
    );
    this.name = 'SizeError';
  }
}

/** Checks a requested export size in pixels; throws a SizeError naming the parameter or the limit. */
export function checkSize(width: number, height: number): { width: number; height: number } {
  for (const [param, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < MIN_SIDE) {
      throw new SizeError('export.badSize', param, { param, min: MIN_SIDE });
    }
  }
  if (Math.max(width, height) > LIMIT_SIDE || width * height > LIMIT_PIXELS) {
    throw new SizeError('export.tooLarge', 'size', { size: `${width} × ${height}`, limit: `${LIMIT.width} × ${LIMIT.height}` });
  }
  return { width, height };
}

/** Length of the equator in metres (WGS 84), which a zoom-0 world of 512 px spans in MapLibre. */
const EQUATOR_M = 40075016.686;

/** Metres on the ground per CSS pixel at latitude lat (degrees) and MapLibre zoom z, on Web Mercator. */
export function metresPerPixel(lat: number, zoom: number): number {
  return (EQUATOR_M * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/** A scale bar: its round length on the ground and on the page. */
export interface ScaleBar {
  metres: number;
  /** Its length in the pixels metresPerPixel was given for. */
  px: number;
  /** The length as a number and unit: [2, 'km'], [500, 'm']. */
  value: number;
  unit: 'km' | 'm';
}

/**
 * The longest round length (1, 2 or 5 × a power of ten metres) that fits in
 * maxPx pixels at mpp metres per pixel; lengths of a kilometre and more are
 * given in km.
 */
export function scaleBar(mpp: number, maxPx: number): ScaleBar {
  if (!(mpp > 0) || !(maxPx > 0)) throw new Error(`scaleBar: metres per pixel ${mpp} and length ${maxPx} must be positive`);
  const most = mpp * maxPx;
  const pow = 10 ** Math.floor(Math.log10(most));
  const metres = [5, 2, 1].map((m) => m * pow).find((m) => m <= most)!;
  return { metres, px: metres / mpp, value: metres >= 1000 ? metres / 1000 : metres, unit: metres >= 1000 ? 'km' : 'm' };
}

/** A rectangle on a page, top-left origin. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where things go on a page: sizes in the page's units (px for PNG, pt for PDF). */
export interface PageLayout {
  /** The page's unit of length: one hundredth of its shorter side. */
  unit: number;
  margin: number;
  /** Baselines and sizes of the title and subtitle. */
  title: { x: number; y: number; size: number };
  subtitle: { x: number; y: number; size: number };
  map: Rect;
  /** Baselines of the footer's two lines (source and date; attribution) and their size. */
  footer: { x: number; y: number[]; size: number; width: number };
}

/**
 * Lays out a page of width × height: title and subtitle above the map,
 * source and attribution below it, margins around; without a title (the
 * PowerPoint slide image) the map takes the whole page.
 */
export function layoutPage(width: number, height: number, opts: { title: boolean; footer: boolean }): PageLayout {
  const unit = Math.min(width, height) / 100;
  const margin = opts.title || opts.footer ? 3 * unit : 0;
  const titleSize = 4.2 * unit;
  const subtitleSize = 2.6 * unit;
  const footerSize = 1.5 * unit;
  const top = opts.title ? margin + titleSize * 1.25 + subtitleSize * 1.5 : margin;
  const bottom = opts.footer ? margin + footerSize * 3 : margin;
  return {
    unit,
    margin,
    title: { x: margin, y: margin + titleSize, size: titleSize },
    subtitle: { x: margin, y: margin + titleSize * 1.25 + subtitleSize * 1.1, size: subtitleSize },
    map: { x: margin, y: top, w: width - 2 * margin, h: height - top - bottom },
    footer: { x: margin, y: [height - margin - footerSize * 1.4, height - margin], size: footerSize, width: width - 2 * margin },
  };
}
