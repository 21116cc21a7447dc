// Composes an export: what the page says about the map (title, subtitle,
// legend, source and date, attribution, notes) and the map image itself —
// the map drawn at the export's size, every overlay of app.overlays drawn
// for that camera, the legend (PNG, PowerPoint), a scale bar and a north
// arrow — onto a 2D canvas.

import type { AppConfig, EnterpriseStats, Sector } from '../api';
import type { App } from '../app';
import type { I18n } from '../core/i18n';
import type { MapOverlay, OverlayFrame } from '../core/overlays';
import type { Legend } from '../core/view';
import { fitCamera, project, type Camera } from './camera';
import { CANVAS_FAMILY, loadCanvasFonts } from './fonts';
import { MapRenderer, renderMap } from './render';
import { layoutPage, metresPerPixel, scaleBar } from './sizes';
import type { SavedView } from './types';

/** The text an exported page carries, in one language. */
export interface PageText {
  lang: 'en' | 'bn';
  title: string;
  subtitle: string;
  legend: Legend;
  /** "Source: … · date". */
  source: string;
  /** The credit line the boundaries' licences ask for (English, as the licence gives it). */
  attribution: string;
  /** Speaker notes (a saved view's notes), or "". */
  notes: string;
}

/**
 * GET path as JSON, or fallback when it fails (no such endpoint, offline).
 * (Plain fetch rather than ../api: importing that from a lazy chunk makes
 * the bundler split it out of the first page into a chunk of its own.)
 */
async function getJSON<T>(path: string, fallback: T): Promise<T> {
  try {
    const res = await fetch(path, { headers: { Accept: 'application/json' } });
    return res.ok ? ((await res.json()) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** A bilingual text of a saved view in lang, else in the other language. */
function inLang(text: { en?: string; bn?: string } | undefined, lang: 'en' | 'bn'): string {
  return (text?.[lang] || text?.[lang === 'en' ? 'bn' : 'en'] || '').trim();
}

/** The sectors the hash parameters narrow the map to (explore's sectors, the clusters view's sector). */
function sectorCodes(params: Readonly<Record<string, string>>): string[] {
  return (params.sectors ?? params.sector ?? '').split(',').filter(Boolean);
}

/** What the server says that every page prints: attribution, whether the data is synthetic, sector names. */
export interface PageData {
  config: Partial<AppConfig>;
  stats: EnterpriseStats | null;
  sectors: { sectors: Sector[] };
}

/** Fetches the PageData once for an export (a deck asks once for all its pages). */
export async function pageData(): Promise<PageData> {
  const [config, stats, sectors] = await Promise.all([
    getJSON<Partial<AppConfig>>('/api/config', {}),
    getJSON<EnterpriseStats | null>('/api/enterprises/stats', null),
    getJSON<{ sectors: Sector[] }>('/api/sectors', { sectors: [] }),
  ]);
  return { config, stats, sectors };
}

/** What the deck's page (or the current view's export) says, from the view shown now. */
export async function pageText(app: App, saved?: SavedView, titleOverride?: string, data?: PageData): Promise<PageText> {
  const i18n = app.i18n;
  const lang = i18n.lang;
  const { config, stats, sectors } = data ?? (await pageData());
  const legend = app.current?.legend?.() ?? { title: '', items: [] };
  const codes = sectorCodes(app.router.current.params);
  const names = codes.map((c) => {
    const s = sectors.sectors.find((x) => x.code === c);
    return s ? i18n.unitNames(s).primary : c;
  });
  const viewName = i18n.lookup(`views.${app.view}`, app.view);
  const fallbackTitle = names.length ? `${viewName} — ${names.join(', ')}` : viewName;
  const date = new Intl.DateTimeFormat(lang === 'bn' ? 'bn-BD' : 'en-GB', { dateStyle: 'long' }).format(new Date());
  const source = i18n.t((stats?.synthetic ?? 0) > 0 ? 'export.source.synthetic' : 'export.source.records');
  return {
    lang,
    title: titleOverride?.trim() || inLang(saved?.title, lang) || fallbackTitle,
    subtitle: inLang(saved?.subtitle, lang) || legend.title,
    legend,
    source: i18n.t('export.source', { source, date }),
    attribution: config.boundaries_attribution || config.attribution || '',
    notes: inLang(saved?.notes, lang),
  };
}

/** The page map's camera in CSS pixels. */
export function screenCamera(app: App): Camera {
  const c = app.map.getCenter();
  const canvas = app.map.getCanvas();
  return { center: [c.lng, c.lat], zoom: app.map.getZoom(), width: canvas.clientWidth, height: canvas.clientHeight };
}

/** What composeMap draws besides the map. */
export interface MapFurniture {
  legend?: Legend;
  i18n: I18n;
  /** Draws the map; one renderer serves all pages of a deck (default: one for this drawing). */
  renderer?: MapRenderer;
}

/**
 * Draws the map as the page shows it into width × height device pixels at
 * pixelRatio (CSS pixels = device / pixelRatio): the map, the overlays, a
 * scale bar, a north arrow and, when given, the legend.
 */
export async function composeMap(app: App, width: number, height: number, pixelRatio: number, f: MapFurniture): Promise<HTMLCanvasElement> {
  await loadCanvasFonts();
  const cam = fitCamera(screenCamera(app), width / pixelRatio, height / pixelRatio);
  const style = app.map.getStyle();
  const canvas = f.renderer ? await f.renderer.render(style, cam, pixelRatio) : await renderMap(style, cam, pixelRatio);
  const ctx = canvas.getContext('2d')!;
  ctx.save();
  ctx.scale(pixelRatio, pixelRatio);
  // One new frame per page: label overlays remember placements per frame object.
  const frame: OverlayFrame = { width: cam.width, height: cam.height, zoom: cam.zoom, project: (ll) => project(cam, ll), lang: f.i18n.lang, textScale: 1 };
  await drawOverlays(ctx, [...app.overlays.list()], frame);
  // Furniture grows with the drawing, from the size it has on a screen-sized map.
  const k = Math.max(1, Math.min(cam.width, cam.height) / 800);
  drawNorthArrow(ctx, cam.width - 28 * k, 16 * k, k, f.i18n.t('export.north'));
  drawScaleBar(ctx, cam, k, f.i18n);
  if (f.legend && f.legend.items.length) drawLegend(ctx, f.legend, 12 * k, cam.height - 12 * k, k);
  ctx.restore();
  return canvas;
}

/**
 * Draws overlays for frame onto ctx, bottom first, once every overlay has
 * what frame needs (ready: the place-name levels of its zoom) and the
 * document's fonts have loaded, so a page is never drawn half-labelled or
 * in a fallback font. An overlay that fails to get ready or to draw is
 * left out and logged; the others are drawn.
 */
export async function drawOverlays(
  ctx: CanvasRenderingContext2D,
  overlays: readonly MapOverlay[],
  frame: OverlayFrame,
  fonts: { readonly ready: Promise<unknown> } | undefined = document.fonts,
): Promise<void> {
  await Promise.all(
    overlays.map((o) => o.ready?.(frame).catch((err: unknown) => console.warn(`guccho export: overlay ${o.id} not ready`, err))),
  );
  await fonts?.ready;
  for (const overlay of overlays) {
    ctx.save();
    try {
      overlay.draw(ctx, frame);
    } catch (err) {
      console.warn(`guccho export: overlay ${overlay.id} failed`, err);
    }
    ctx.restore();
  }
}

function font(weight: 400 | 700, px: number): string {
  return `${weight} ${px}px ${CANVAS_FAMILY}`;
}

function drawNorthArrow(ctx: CanvasRenderingContext2D, cx: number, top: number, k: number, label: string): void {
  const h = 30 * k;
  const w = 11 * k;
  ctx.save();
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.beginPath();
  ctx.arc(cx, top + h / 2 + 6 * k, h * 0.75, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = '#222';
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 1 * k;
  ctx.beginPath();
  ctx.moveTo(cx, top + 12 * k);
  ctx.lineTo(cx + w / 2, top + h + 4 * k);
  ctx.lineTo(cx, top + h - 2 * k);
  ctx.closePath();
  ctx.fill();
  ctx.beginPath();
  ctx.moveTo(cx, top + 12 * k);
  ctx.lineTo(cx - w / 2, top + h + 4 * k);
  ctx.lineTo(cx, top + h - 2 * k);
  ctx.closePath();
  ctx.stroke();
  ctx.font = font(700, 11 * k);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(label, cx, top);
  ctx.restore();
}

function drawScaleBar(ctx: CanvasRenderingContext2D, cam: Camera, k: number, i18n: I18n): void {
  const bar = scaleBar(metresPerPixel(cam.center[1], cam.zoom), cam.width / 5);
  const right = cam.width - 14 * k;
  const y = cam.height - 14 * k;
  const left = right - bar.px;
  const label = `${i18n.formatNumber(bar.value)} ${bar.unit === 'km' ? (i18n.lang === 'bn' ? 'কিমি' : 'km') : i18n.lang === 'bn' ? 'মি' : 'm'}`;
  ctx.save();
  ctx.font = font(400, 11 * k);
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(left - 6 * k, y - 22 * k, bar.px + 12 * k, 28 * k);
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 2 * k;
  ctx.beginPath();
  ctx.moveTo(left, y - 5 * k);
  ctx.lineTo(left, y);
  ctx.lineTo(right, y);
  ctx.lineTo(right, y - 5 * k);
  ctx.stroke();
  ctx.fillStyle = '#222';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(label, (left + right) / 2, y - 6 * k);
  ctx.restore();
}

/** Draws the legend box with its bottom-left corner at (x, bottom), in CSS pixels times k. */
export function drawLegend(ctx: CanvasRenderingContext2D, legend: Legend, x: number, bottom: number, k: number): void {
  const pad = 8 * k;
  const row = 17 * k;
  const sw = 12 * k;
  const titleSize = 12 * k;
  ctx.save();
  ctx.font = font(400, 11 * k);
  let w = 0;
  for (const it of legend.items) w = Math.max(w, ctx.measureText(it.label).width + sw + 6 * k);
  ctx.font = font(700, titleSize);
  w = Math.max(w, ctx.measureText(legend.title).width);
  const h = pad * 2 + (legend.title ? titleSize * 1.5 : 0) + row * legend.items.length;
  const top = bottom - h;
  ctx.fillStyle = 'rgba(255,255,255,0.9)';
  ctx.strokeStyle = 'rgba(0,0,0,0.25)';
  ctx.lineWidth = 1;
  ctx.fillRect(x, top, w + pad * 2, h);
  ctx.strokeRect(x, top, w + pad * 2, h);
  ctx.fillStyle = '#222';
  ctx.textBaseline = 'middle';
  let y = top + pad;
  if (legend.title) {
    ctx.fillText(legend.title, x + pad, y + titleSize * 0.6);
    y += titleSize * 1.5;
  }
  ctx.font = font(400, 11 * k);
  for (const it of legend.items) {
    const cy = y + row / 2;
    ctx.fillStyle = it.colour;
    ctx.strokeStyle = it.colour;
    if (it.shape === 'circle') {
      ctx.beginPath();
      ctx.arc(x + pad + sw / 2, cy, sw / 2.4, 0, 2 * Math.PI);
      ctx.fill();
    } else if (it.shape === 'line') {
      ctx.lineWidth = 2.5 * k;
      ctx.beginPath();
      ctx.moveTo(x + pad, cy);
      ctx.lineTo(x + pad + sw, cy);
      ctx.stroke();
    } else {
      ctx.fillRect(x + pad, cy - sw / 2, sw, sw);
      ctx.strokeStyle = 'rgba(0,0,0,0.3)';
      ctx.lineWidth = 1;
      ctx.strokeRect(x + pad, cy - sw / 2, sw, sw);
    }
    ctx.fillStyle = '#222';
    ctx.fillText(it.label, x + pad + sw + 6 * k, cy);
    y += row;
  }
  ctx.restore();
}

/**
 * Composes a whole PNG page of width × height pixels: title and subtitle,
 * the map with overlays, legend, scale bar and north arrow, and the source
 * and attribution lines.
 */
export async function composePage(app: App, text: PageText, width: number, height: number, pixelRatio: number): Promise<HTMLCanvasElement> {
  const layout = layoutPage(width, height, { title: true, footer: true });
  const m = layout.map;
  const map = await composeMap(app, Math.round(m.w), Math.round(m.h), pixelRatio, { legend: text.legend, i18n: app.i18n });
  const page = document.createElement('canvas');
  page.width = width;
  page.height = height;
  const ctx = page.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(map, Math.round(m.x), Math.round(m.y));
  ctx.strokeStyle = '#888';
  ctx.lineWidth = Math.max(1, layout.unit * 0.08);
  ctx.strokeRect(Math.round(m.x), Math.round(m.y), Math.round(m.w), Math.round(m.h));
  ctx.fillStyle = '#1a1a1a';
  ctx.textBaseline = 'alphabetic';
  // A line too long is set smaller, down to 60 %, then shortened with "…".
  const fit = (s: string, size: number, weight: 400 | 700) => {
    ctx.font = font(weight, size);
    const w = ctx.measureText(s).width;
    if (w > layout.footer.width) ctx.font = font(weight, Math.max(size * 0.6, (size * layout.footer.width) / w));
    return ellipsize(s, layout.footer.width, (t) => ctx.measureText(t).width);
  };
  ctx.fillText(fit(text.title, layout.title.size, 700), layout.title.x, layout.title.y);
  ctx.fillStyle = '#444';
  ctx.fillText(fit(text.subtitle, layout.subtitle.size, 400), layout.subtitle.x, layout.subtitle.y);
  ctx.fillStyle = '#333';
  ctx.fillText(fit(text.source, layout.footer.size, 400), layout.footer.x, layout.footer.y[0]);
  ctx.fillText(fit(text.attribution, layout.footer.size, 400), layout.footer.x, layout.footer.y[1]);
  return page;
}

/** text, shortened with "…" until measure says it fits in width. */
export function ellipsize(text: string, width: number, measure: (s: string) => number): string {
  if (measure(text) <= width) return text;
  // Whole grapheme clusters, so no vowel sign is cut from its consonant.
  const chars = Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (g) => g.segment);
  while (chars.length > 1 && measure(chars.join('') + '…') > width) chars.pop();
  return chars.join('') + '…';
}
