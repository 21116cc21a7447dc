// Reading the text a PDF export draws, for the browser tests that check
// its Bangla: each marked-content span's ActualText with the glyph ids it
// shows and their font, and the glyph ids HarfBuzz's hb-shape gives for the
// same text and font file (Debian's libharfbuzz-bin).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFName, PDFRawStream } from 'pdf-lib';

const fontsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/fonts');

/** The glyph ids hb-shape gives for text in the font file. */
export function hbShape(font, text) {
  const out = execFileSync('hb-shape', ['--output-format=json', '--no-glyph-names', join(fontsDir, font), text]);
  return JSON.parse(out.toString()).map((g) => g.g);
}

function utf16be(hex) {
  const b = Buffer.from(hex, 'hex');
  const start = b[0] === 0xfe && b[1] === 0xff ? 2 : 0;
  let s = '';
  for (let i = start; i + 1 < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
  return s;
}

/** The decoded content stream of a PDF page. */
function pageContent(doc, page) {
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
  return streams
    .map((s) => {
      assert.ok(s instanceof PDFRawStream, 'a raw content stream');
      const filter = s.dict.get(PDFName.of('Filter'));
      return filter ? inflateSync(Buffer.from(s.contents)).toString('latin1') : Buffer.from(s.contents).toString('latin1');
    })
    .join('\n');
}

/** The BaseFont of each font resource of a page, by resource name. */
function pageFonts(doc, page) {
  const fonts = page.node.Resources().lookup(PDFName.of('Font'), PDFDict);
  const out = new Map();
  for (const [key, ref] of fonts.entries()) out.set(key.asString().slice(1), doc.context.lookup(ref, PDFDict).get(PDFName.of('BaseFont')).asString().slice(1));
  return out;
}

/**
 * The text blocks a PDF page draws: each marked-content span's ActualText
 * and the glyph ids it shows with their font's BaseFont.
 */
export function textBlocks(doc, page) {
  const content = pageContent(doc, page);
  const fonts = pageFonts(doc, page);
  const blocks = [];
  const spanRe = /\/ActualText\s*<([0-9A-Fa-f]*)>\s*>>\s*BDC([\s\S]*?)EMC/g;
  for (const [, hex, body] of content.matchAll(spanRe)) {
    const glyphs = [];
    let font = '';
    for (const m of body.matchAll(/\/(\S+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]+)>\s*Tj/g)) {
      if (m[1]) font = fonts.get(m[1]);
      else glyphs.push({ font, id: parseInt(m[2], 16) });
    }
    blocks.push({ text: utf16be(hex), glyphs });
  }
  return blocks;
}

/**
 * Checks every span of Bangla alone on page: drawn in one Noto Sans Bengali
 * face, with the glyph ids hb-shape gives for its text. Returns how many it checked.
 */
export function checkBanglaGlyphs(doc, page, where) {
  let checked = 0;
  for (const b of textBlocks(doc, page)) {
    if (!/^[\u0980-\u09FF ]+$/.test(b.text)) continue;
    const fonts = new Set(b.glyphs.map((g) => g.font.replace(/-\w+$/, '')));
    assert.equal(fonts.size, 1, `${where}: "${b.text}" is drawn in one font (${[...fonts]})`);
    const [base] = fonts;
    assert.match(base, /^NotoSansBengali-(Regular|Bold)$/, `${where}: "${b.text}" is drawn in Noto Sans Bengali`);
    assert.deepEqual(b.glyphs.map((g) => g.id), hbShape(`${base}.ttf`, b.text), `${where}: glyphs of "${b.text}" in ${base}`);
    checked++;
  }
  return checked;
}
