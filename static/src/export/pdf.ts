// The PDF export: one page per view, the map as an image and every text
// (title, subtitle, legend, source and date, attribution) as real,
// selectable text in the embedded Noto fonts. Bangla is shaped on the
// server (GET /api/shape, HarfBuzz's rules via go-text/typesetting) and
// drawn glyph by glyph, by glyph id, with the text itself attached as
// ActualText so copying and searching give the Bangla back: pdf-lib's own
// layout (fontkit) does not shape Bengali as HarfBuzz does.

import fontkit from '@pdf-lib/fontkit';
import {
  beginText,
  endText,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFOperator,
  PDFOperatorNames,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingRgbColor,
  setFontAndSize,
  setTextMatrix,
  showText,
  type PDFFont,
  type PDFPage,
} from 'pdf-lib';
import type { PageText } from './compose';
import { FONT_FILES, fontBytes, type FontFile } from './fonts';
import { layoutPage, type PageLayout } from './sizes';

/** A4 landscape in PDF points. */
export const PDF_PAGE = { width: 841.89, height: 595.28 } as const;
/** Resolution of the map image on PDF pages. */
export const PDF_DPI = 150;

/** One page of the PDF: its text and the map image (JPEG or PNG bytes) for its map box. */
export interface PdfPage {
  text: PageText;
  image: { bytes: Uint8Array; type: 'jpeg' | 'png' };
}

/** One glyph as GET /api/shape gives it (font units). */
interface Glyph {
  g: number;
  ax: number;
  ay: number;
  dx: number;
  dy: number;
}

/** A run of text in one font as GET /api/shape gives it. */
export interface ShapedRun {
  font: FontFile;
  units_per_em: number;
  text: string;
  glyphs: Glyph[];
}

/** Longest query GET /api/shape is sent at once (characters, after percent-encoding). */
const MAX_QUERY = 6000;

/** Shapes texts on the server, regular or bold, in as few requests as the URL length allows. */
export async function shapeTexts(texts: string[], bold: boolean): Promise<Map<string, ShapedRun[]>> {
  const unique = [...new Set(texts.filter((t) => t !== ''))];
  const out = new Map<string, ShapedRun[]>();
  const batches: string[][] = [];
  let batch: string[] = [];
  let len = 0;
  for (const t of unique) {
    const n = encodeURIComponent(t).length + 6;
    if (batch.length && (len + n > MAX_QUERY || batch.length >= 200)) {
      batches.push(batch);
      batch = [];
      len = 0;
    }
    batch.push(t);
    len += n;
  }
  if (batch.length) batches.push(batch);
  await Promise.all(
    batches.map(async (b) => {
      const q = new URLSearchParams(b.map((t) => ['text', t]));
      if (bold) q.set('weight', 'bold');
      const res = await fetch('/api/shape?' + q.toString());
      if (!res.ok) throw new Error(`shaping text for the PDF: HTTP ${res.status}`);
      const body = (await res.json()) as { texts: ShapedRun[][] };
      b.forEach((t, i) => out.set(t, body.texts[i]));
    }),
  );
  return out;
}

/** Width of shaped runs at size (in the units of size). */
export function runsWidth(runs: readonly ShapedRun[], size: number): number {
  let w = 0;
  for (const r of runs) for (const g of r.glyphs) w += (g.ax * size) / r.units_per_em;
  return w;
}

/** The fonts of the PDF by file name. */
type Fonts = Record<FontFile, PDFFont>;

/**
 * Draws shaped runs with their left end of the baseline at (x, y) (PDF
 * coordinates, y up), size points, each glyph placed where the shaper put
 * it; the text is attached as ActualText. Returns the width drawn.
 */
function drawRuns(page: PDFPage, fonts: Fonts, runs: readonly ShapedRun[], x: number, y: number, size: number, colour: [number, number, number]): number {
  if (!runs.length) return 0;
  const text = runs.map((r) => r.text).join('');
  const ops: PDFOperator[] = [
    PDFOperator.of(PDFOperatorNames.BeginMarkedContentSequence, [
      PDFName.of('Span'),
      // A property list inline: pdf-lib's types omit dictionaries as operands, its writer handles them.
      page.doc.context.obj({ ActualText: PDFHexString.fromText(text) }) as unknown as PDFName,
    ]),
    pushGraphicsState(),
    setFillingRgbColor(...colour),
    beginText(),
  ];
  let pen = x;
  for (const run of runs) {
    const font = fonts[run.font];
    const key = page.node.newFontDictionary(font.name, font.ref);
    const scale = size / run.units_per_em;
    ops.push(setFontAndSize(key, size));
    let penY = y;
    for (const g of run.glyphs) {
      ops.push(setTextMatrix(1, 0, 0, 1, pen + g.dx * scale, penY + g.dy * scale));
      ops.push(showText(PDFHexString.of(g.g.toString(16).padStart(4, '0'))));
      pen += g.ax * scale;
      penY += g.ay * scale;
    }
  }
  ops.push(endText(), popGraphicsState(), PDFOperator.of(PDFOperatorNames.EndMarkedContent));
  page.pushOperators(...ops);
  return pen - x;
}

/** Draws text fitted into maxWidth: shrunk to fit, down to 60 % of size. */
function drawLine(page: PDFPage, fonts: Fonts, shaped: Map<string, ShapedRun[]>, text: string, x: number, y: number, size: number, maxWidth: number, colour: [number, number, number] = [0.1, 0.1, 0.1]): void {
  const runs = shaped.get(text) ?? [];
  const w = runsWidth(runs, size);
  const fitted = w > maxWidth ? Math.max(size * 0.6, (size * maxWidth) / w) : size;
  drawRuns(page, fonts, runs, x, y, fitted, colour);
}

function hexColour(css: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(css.trim());
  if (m) {
    const n = parseInt(m[1], 16);
    return [(n >> 16) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
  }
  const r = /rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(css);
  return r ? [Number(r[1]) / 255, Number(r[2]) / 255, Number(r[3]) / 255] : [0.5, 0.5, 0.5];
}

/** Where title, map and footer go on a PDF page, in PDF points from the top-left corner. */
export function pdfLayout(): PageLayout {
  return layoutPage(PDF_PAGE.width, PDF_PAGE.height, { title: true, footer: true });
}

/** Builds the PDF of pages (A4 landscape, one per view); title names the document. */
export async function buildPdf(pages: PdfPage[], title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(title);
  doc.setCreator('Guccho');
  doc.setProducer('Guccho (pdf-lib)');
  // Whole fonts, not subsets, so the glyph ids drawn are the font's own.
  const fonts = Object.fromEntries(
    await Promise.all(
      Object.values(FONT_FILES).map(async (f) => [f, await doc.embedFont(new Uint8Array(await fontBytes(f)), { subset: false })] as const),
    ),
  ) as Fonts;

  const regular: string[] = [];
  const bold: string[] = [];
  for (const p of pages) {
    bold.push(p.text.title, p.text.legend.title);
    regular.push(p.text.subtitle, p.text.source, p.text.attribution, ...p.text.legend.items.map((i) => i.label));
  }
  const [shapedRegular, shapedBold] = await Promise.all([shapeTexts(regular, false), shapeTexts(bold, true)]);

  const L = pdfLayout();
  const H = PDF_PAGE.height;
  for (const p of pages) {
    const page = doc.addPage([PDF_PAGE.width, PDF_PAGE.height]);
    const img = p.image.type === 'jpeg' ? await doc.embedJpg(p.image.bytes) : await doc.embedPng(p.image.bytes);
    const m = L.map;
    page.drawImage(img, { x: m.x, y: H - m.y - m.h, width: m.w, height: m.h });
    page.drawRectangle({ x: m.x, y: H - m.y - m.h, width: m.w, height: m.h, borderColor: rgb(0.53, 0.53, 0.53), borderWidth: 0.5 });
    drawLine(page, fonts, shapedBold, p.text.title, L.title.x, H - L.title.y, L.title.size, L.footer.width);
    drawLine(page, fonts, shapedRegular, p.text.subtitle, L.subtitle.x, H - L.subtitle.y, L.subtitle.size, L.footer.width, [0.27, 0.27, 0.27]);
    drawLine(page, fonts, shapedRegular, p.text.source, L.footer.x, H - L.footer.y[0], L.footer.size, L.footer.width, [0.2, 0.2, 0.2]);
    drawLine(page, fonts, shapedRegular, p.text.attribution, L.footer.x, H - L.footer.y[1], L.footer.size, L.footer.width, [0.2, 0.2, 0.2]);
    drawPdfLegend(page, fonts, shapedRegular, shapedBold, p.text.legend, m.x + 8, H - (m.y + m.h) + 8);
  }
  return doc.save();
}

/** The legend box with its bottom-left corner at (x, y), PDF coordinates. */
function drawPdfLegend(page: PDFPage, fonts: Fonts, regular: Map<string, ShapedRun[]>, bold: Map<string, ShapedRun[]>, legend: PageText['legend'], x: number, y: number): void {
  if (!legend.items.length) return;
  const size = 7.5;
  const titleSize = 8.5;
  const row = 11;
  const sw = 8;
  const pad = 6;
  let w = runsWidth(bold.get(legend.title) ?? [], titleSize);
  for (const it of legend.items) w = Math.max(w, sw + 4 + runsWidth(regular.get(it.label) ?? [], size));
  const h = pad * 2 + (legend.title ? titleSize * 1.6 : 0) + row * legend.items.length;
  page.drawRectangle({ x, y, width: w + pad * 2, height: h, color: rgb(1, 1, 1), opacity: 0.92, borderColor: rgb(0.7, 0.7, 0.7), borderWidth: 0.5 });
  let top = y + h - pad;
  if (legend.title) {
    drawRuns(page, fonts, bold.get(legend.title) ?? [], x + pad, top - titleSize, titleSize, [0.1, 0.1, 0.1]);
    top -= titleSize * 1.6;
  }
  for (const it of legend.items) {
    const cy = top - row / 2;
    const [r, g, b] = hexColour(it.colour);
    if (it.shape === 'circle') page.drawCircle({ x: x + pad + sw / 2, y: cy, size: sw / 2.4, color: rgb(r, g, b) });
    else if (it.shape === 'line') page.drawLine({ start: { x: x + pad, y: cy }, end: { x: x + pad + sw, y: cy }, thickness: 1.8, color: rgb(r, g, b) });
    else page.drawRectangle({ x: x + pad, y: cy - sw / 2, width: sw, height: sw, color: rgb(r, g, b), borderColor: rgb(0.5, 0.5, 0.5), borderWidth: 0.3 });
    drawRuns(page, fonts, regular.get(it.label) ?? [], x + pad + sw + 4, cy - size * 0.35, size, [0.1, 0.1, 0.1]);
    top -= row;
  }
}
