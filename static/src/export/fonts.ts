// The fonts exports set text in: the Noto fonts the server ships
// (GET /fonts/{name}), so the PNG, PDF and PowerPoint files use the same
// Bangla font offline and on every machine.

/** File names of the shipped fonts (package data's Font* constants). */
export const FONT_FILES = {
  bengali: 'NotoSansBengali-Regular.ttf',
  bengaliBold: 'NotoSansBengali-Bold.ttf',
  latin: 'NotoSans-Regular.ttf',
  latinBold: 'NotoSans-Bold.ttf',
} as const;

export type FontFile = (typeof FONT_FILES)[keyof typeof FONT_FILES];

/** The family names the canvas draws with (distinct from system fonts of the same design). */
export const CANVAS_FAMILY = '"Guccho Noto Sans", "Guccho Noto Sans Bengali", sans-serif';

/** The font names PowerPoint is told to use (it shapes Bangla itself, with the font installed or embedded by the viewer). */
export const PPTX_FONT = { latin: 'Noto Sans', bengali: 'Noto Sans Bengali' } as const;

const bytes = new Map<string, Promise<ArrayBuffer>>();

/** The bytes of a shipped font, fetched once per page. */
export function fontBytes(name: FontFile): Promise<ArrayBuffer> {
  let p = bytes.get(name);
  if (!p) {
    p = fetch('/fonts/' + name).then((res) => {
      if (!res.ok) throw new Error(`font ${name}: HTTP ${res.status}`);
      return res.arrayBuffer();
    });
    p.catch(() => bytes.delete(name));
    bytes.set(name, p);
  }
  return p;
}

let canvasFonts: Promise<void> | null = null;

/** Registers the shipped fonts with the document (FontFace API) for canvas drawing; resolves once all four are loaded. */
export function loadCanvasFonts(): Promise<void> {
  canvasFonts ??= (async () => {
    const faces = [
      ['Guccho Noto Sans', FONT_FILES.latin, '400'],
      ['Guccho Noto Sans', FONT_FILES.latinBold, '700'],
      ['Guccho Noto Sans Bengali', FONT_FILES.bengali, '400'],
      ['Guccho Noto Sans Bengali', FONT_FILES.bengaliBold, '700'],
    ] as const;
    await Promise.all(
      faces.map(async ([family, file, weight]) => {
        const face = new FontFace(family, await fontBytes(file), { weight });
        await face.load();
        document.fonts.add(face);
      }),
    );
  })();
  canvasFonts.catch(() => (canvasFonts = null));
  return canvasFonts;
}

