// Exports of what the map shows: a PNG at a chosen size, a PDF (one page
// per view) and a PowerPoint file (one slide per view), of the current view
// or of a deck of saved views. Loaded with import() on first use; the PDF
// and PowerPoint libraries load with their own import() when asked for.

import type { App, SavedState } from '../app';
import { composeMap, composePage, pageData, pageText, screenCamera, type PageText } from './compose';
import { MapRenderer } from './render';
import { checkSize, PAPER_PRESETS, presetSize } from './sizes';
import type { Deck, ExportFormat, SavedView } from './types';
import './strings';

export type { Deck, ExportFormat, SavedView } from './types';
export { SizeError } from './sizes';
export { maxCanvasSide } from './render';

/** How big a PNG is: as on screen, a paper preset's id (a4-landscape-150, …) or pixels. */
export type PngSize = 'screen' | string | { width: number; height: number };

export interface ExportOptions {
  format: ExportFormat;
  /** PNG only; "screen" when missing. */
  size?: PngSize;
  /** A title instead of the view's. */
  title?: string;
  /** Whether to save the file as a download (the default); the result holds the file either way. */
  download?: boolean;
}

/** An export's file and how long it took. */
export interface ExportResult {
  blob: Blob;
  filename: string;
  pages: number;
  /** Wall-clock milliseconds from the call to the file. */
  ms: number;
}

/** Pixel size and pixel ratio (device pixels per CSS pixel) of a PNG size; throws a SizeError for a size beyond the limit. */
export function pngSize(app: App, size: PngSize = 'screen'): { width: number; height: number; pixelRatio: number } {
  const screen = screenCamera(app);
  if (size === 'screen') {
    const canvas = app.map.getCanvas();
    const { width, height } = checkSize(canvas.width, canvas.height);
    return { width, height, pixelRatio: width / screen.width };
  }
  if (typeof size === 'string') {
    const preset = PAPER_PRESETS.find((p) => p.id === size);
    if (!preset) throw new Error(`parameter size: no preset "${size}" (screen, ${PAPER_PRESETS.map((p) => p.id).join(', ')})`);
    return { ...presetSize(preset), pixelRatio: preset.dpi / 96 };
  }
  const { width, height } = checkSize(size.width, size.height);
  // About the screen's map in CSS pixels, so labels and lines keep their size.
  const ratio = Math.max(width / screen.width, height / screen.height);
  return { width, height, pixelRatio: Math.min(4, Math.max(1, ratio)) };
}

/** Resolves once the view shown has its data and the map has drawn it. */
async function settled(app: App): Promise<void> {
  await (app.current as { ready?: Promise<void> } | null)?.ready;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 30_000);
    app.map.once('idle', () => {
      clearTimeout(timer);
      resolve();
    });
    app.map.triggerRepaint();
  });
}

function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase()
      .slice(0, 60) || 'map'
  );
}

function filename(title: string, ext: string): string {
  return `guccho-${slug(title)}-${new Date().toISOString().slice(0, 10)}.${ext}`;
}

/** Saves blob as a download named filename (a Blob link). */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

function canvasBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the image could not be encoded'))), type, quality),
  );
}

/** A page of a PDF or PowerPoint export, composed from the view shown now. */
async function composeDocPage(app: App, format: 'pdf' | 'pptx', text: PageText, renderer?: MapRenderer) {
  if (format === 'pdf') {
    const { pdfLayout, PDF_DPI } = await import('./pdf');
    const m = pdfLayout().map;
    const px = (pt: number) => Math.round((pt / 72) * PDF_DPI);
    const canvas = await composeMap(app, px(m.w), px(m.h), PDF_DPI / 96, { i18n: app.i18n, renderer });
    const bytes = new Uint8Array(await (await canvasBlob(canvas, 'image/jpeg', 0.9)).arrayBuffer());
    return { pdf: { text, image: { bytes, type: 'jpeg' as const } } };
  }
  const { SLIDE, PPTX_DPI } = await import('./pptx');
  const m = SLIDE.map;
  const canvas = await composeMap(app, Math.round(m.w * PPTX_DPI), Math.round(m.h * PPTX_DPI), PPTX_DPI / 96, {
    i18n: app.i18n,
    legend: text.legend,
    renderer,
  });
  return { pptx: { text, image: canvas.toDataURL('image/png') } };
}

/** Builds the file of composed pages. */
async function build(format: 'pdf' | 'pptx', pages: Awaited<ReturnType<typeof composeDocPage>>[], title: string): Promise<Blob> {
  if (format === 'pdf') {
    const { buildPdf } = await import('./pdf');
    const bytes = await buildPdf(pages.map((p) => p.pdf!), title);
    return new Blob([bytes as BlobPart], { type: 'application/pdf' });
  }
  const { buildPptx } = await import('./pptx');
  return buildPptx(pages.map((p) => p.pptx!), title);
}

/**
 * Exports the view shown: a PNG of opts.size (refused with a SizeError
 * beyond A3 at 300 dpi), or a one-page PDF or one-slide PowerPoint file.
 */
export async function exportView(app: App, opts: ExportOptions): Promise<ExportResult> {
  const start = performance.now();
  const size = opts.format === 'png' ? pngSize(app, opts.size) : null;
  await settled(app);
  const text = await pageText(app, undefined, opts.title);
  let blob: Blob;
  if (size) {
    blob = await canvasBlob(await composePage(app, text, size.width, size.height, size.pixelRatio), 'image/png');
  } else {
    const format = opts.format as 'pdf' | 'pptx';
    blob = await build(format, [await composeDocPage(app, format, text)], text.title);
  }
  const name = filename(text.title, opts.format);
  if (opts.download !== false) download(blob, name);
  return { blob, filename: name, pages: 1, ms: performance.now() - start };
}

function deckTitle(deck: Deck, lang: 'en' | 'bn'): string {
  const t = deck.title;
  if (!t) return '';
  return typeof t === 'string' ? t : t[lang] || t.en || t.bn || '';
}

/**
 * Exports a deck: opens each saved view in turn (no animation), waits for
 * its map, composes it and builds one PDF page or PowerPoint slide per view,
 * with the view's title, subtitle and (PowerPoint) notes. onProgress hears
 * (done, total) after each view. The page returns to what it showed before.
 */
export async function exportDeck(
  app: App,
  deck: Deck,
  format: 'pdf' | 'pptx',
  onProgress?: (done: number, total: number) => void,
  opts: { download?: boolean } = {},
): Promise<ExportResult> {
  if (format !== 'pdf' && format !== 'pptx') throw new Error(`parameter format: ${String(format)} is not pdf or pptx`);
  if (!deck.views?.length) throw new Error('parameter deck: it has no views');
  const start = performance.now();
  const before: SavedState = { view: app.view, params: { ...app.router.current.params } };
  const pages: Awaited<ReturnType<typeof composeDocPage>>[] = [];
  const renderer = new MapRenderer();
  const data = await pageData();
  try {
    for (const [i, view] of deck.views.entries()) {
      await app.open(view.state, { duration: 0 });
      await settled(app);
      pages.push(await composeDocPage(app, format, await pageText(app, view as SavedView, undefined, data), renderer));
      onProgress?.(i + 1, deck.views.length);
    }
  } finally {
    renderer.remove();
    await app.open(before, { duration: 0 }).catch((err) => console.warn('guccho export: could not return to the view', err));
  }
  const title = deckTitle(deck, app.i18n.lang) || pages[0].pdf?.text.title || pages[0].pptx!.text.title;
  const blob = await build(format, pages, title);
  const name = filename(title, format);
  if (opts.download !== false) download(blob, name);
  return { blob, filename: name, pages: pages.length, ms: performance.now() - start };
}
