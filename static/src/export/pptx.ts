// The PowerPoint export (pptxgenjs): one slide per view with the composed
// map image (map, overlays, legend, scale bar, north arrow; no title drawn
// into it), the title and subtitle as editable text boxes, a source line and
// the attribution, and the view's notes as speaker notes. Bangla text is
// set in Noto Sans Bengali (PowerPoint shapes it when it shows the slide),
// other text in Noto Sans.

import PptxGenJS from 'pptxgenjs';
import type { PageText } from './compose';
import { PPTX_FONT } from './fonts';

/** The slide (16:9, inches) and the box of the map image on it. */
export const SLIDE = { width: 13.333, height: 7.5, map: { x: 0.4, y: 1.45, w: 12.533, h: 5.25 } } as const;
/** Resolution of the map image on slides. */
export const PPTX_DPI = 150;

/** One slide: its text and the composed map image as a PNG data URL. */
export interface Slide {
  text: PageText;
  image: string;
}

/** text cut into runs of Bangla and of other text, each with its font (spaces and punctuation stay with the run before). */
export function textRuns(text: string): { text: string; bangla: boolean }[] {
  const runs: { text: string; bangla: boolean }[] = [];
  for (const ch of text) {
    const bangla = /[\u0980-\u09FF\u200C\u200D]/.test(ch);
    const neutral = /[\s\p{P}\p{S}\p{N}]/u.test(ch) && !bangla;
    const last = runs[runs.length - 1];
    if (last && (neutral || last.bangla === bangla)) last.text += ch;
    else runs.push({ text: ch, bangla });
  }
  return runs;
}

function textProps(text: string, opts: PptxGenJS.TextPropsOptions): PptxGenJS.TextProps[] {
  return textRuns(text).map((r) => ({
    text: r.text,
    options: { ...opts, fontFace: r.bangla ? PPTX_FONT.bengali : PPTX_FONT.latin, lang: r.bangla ? 'bn-BD' : 'en-GB' },
  }));
}

/** Builds the .pptx of slides; title names the presentation. */
export async function buildPptx(slides: Slide[], title: string): Promise<Blob> {
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_WIDE';
  pptx.title = title;
  pptx.company = 'Guccho';
  const m = SLIDE.map;
  for (const s of slides) {
    const slide = pptx.addSlide();
    slide.addText(textProps(s.text.title, { fontSize: 26, bold: true, color: '1A1A1A' }), {
      x: m.x, y: 0.25, w: m.w, h: 0.7, valign: 'bottom', margin: 0, objectName: 'Title',
    });
    slide.addText(textProps(s.text.subtitle, { fontSize: 15, color: '444444' }), {
      x: m.x, y: 0.95, w: m.w, h: 0.4, valign: 'top', margin: 0, objectName: 'Subtitle',
    });
    slide.addImage({ data: s.image, x: m.x, y: m.y, w: m.w, h: m.h, altText: s.text.title });
    slide.addText(textProps(s.text.source, { fontSize: 10, color: '333333' }), {
      x: m.x, y: m.y + m.h + 0.08, w: m.w, h: 0.28, margin: 0, objectName: 'Source',
    });
    slide.addText(textProps(s.text.attribution, { fontSize: 7, color: '555555' }), {
      x: m.x, y: m.y + m.h + 0.38, w: m.w, h: 0.35, margin: 0, valign: 'top', objectName: 'Attribution',
    });
    if (s.text.notes) slide.addNotes(s.text.notes);
  }
  return (await pptx.write({ outputType: 'blob' })) as Blob;
}
