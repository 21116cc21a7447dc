// End-to-end test of the exports against the real binary, in headless
// Chromium:
//
//   GUCCHO_BIN=../bin/guccho node --test e2e/export.e2e.mjs
//
// (on PostGIS with GUCCHO_PG_URL, as the other e2e files). It starts
// `guccho serve --demo`, exports a PNG at A4 150 dpi through the Export
// dialog and checks its pixel size and that it shows a map; asks for a PNG
// beyond the limit and checks it is refused naming the limit; builds a deck
// of ten saved views (camera states over ten districts, Bangla titles) and
// exports it to PDF and to PowerPoint from the Bangla interface: the PDF
// must have ten pages whose Bangla glyphs are those HarfBuzz's hb-shape
// gives for the same font and text, the PowerPoint ten slides with the
// titles and notes. It prints the time each deck export took (the figure of
// docs/exports.md). Files go to e2e/artifacts/ (export-*).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import { artifacts, launchPersistent, startServer, stopServer, waitIdle, watchConsole } from './harness.mjs';
import { checkBanglaGlyphs, textBlocks } from './pdf-text.mjs';

const EXPORT_TIMEOUT_MS = 600_000;

/** Ten districts: a camera on each and its name in both languages (conjuncts, reph, vowel signs). */
const PLACES = [
  ['Kishoreganj', 'কিশোরগঞ্জ', 90.78, 24.43],
  ['Brahmanbaria', 'ব্রাহ্মণবাড়িয়া', 91.11, 23.96],
  ['Chattogram', 'চট্টগ্রাম', 91.83, 22.36],
  ['Mymensingh', 'ময়মনসিংহ', 90.4, 24.75],
  ['Lakshmipur', 'লক্ষ্মীপুর', 90.84, 22.94],
  ['Narayanganj', 'নারায়ণগঞ্জ', 90.5, 23.62],
  ['Chapai Nawabganj', 'চাঁপাইনবাবগঞ্জ', 88.27, 24.6],
  ['Sirajganj', 'সিরাজগঞ্জ', 89.7, 24.45],
  ['Cox’s Bazar', 'কক্সবাজার', 92.0, 21.45],
  ['Srimangal', 'শ্রীমঙ্গল', 91.73, 24.31],
];

/** A deck of ten saved views (deck.View's shape): explore and clusters maps, Bangla and English titles, notes. */
function tenViewDeck() {
  return {
    id: 'e2e',
    title: { en: 'Ten districts', bn: 'দশটি জেলা' },
    views: PLACES.map(([en, bn, lon, lat], i) => ({
      id: `v${i}`,
      title: { en, bn },
      subtitle: { en: `${en} district`, bn: `${bn} জেলা` },
      notes: { en: `Speaker notes for ${en}.`, bn: `${bn} নিয়ে কথা।` },
      state: {
        v: 1,
        view: i % 3 === 2 ? 'clusters' : '',
        params:
          i % 3 === 2
            ? { z: '8.5', lon: String(lon), lat: String(lat), sector: 'footwear_leather', mode: 'lq', level: 'upazila' }
            : { z: '9', lon: String(lon), lat: String(lat) },
      },
    })),
  };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', 'the file is a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('exports', { timeout: 30 * 60_000 }, () => {
  let srv;
  let context;
  let page;
  let profile;
  const errors = [];
  const times = {};

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    srv = await startServer({ demo: true, name: 'export server' });
    profile = mkdtempSync(join(tmpdir(), 'guccho-e2e-export-'));
    context = await launchPersistent(profile);
    page = context.pages()[0] ?? (await context.newPage());
    watchConsole(page, errors, 'export');
    await page.goto(`${srv.base}/#z=8&lon=90.9&lat=24.1`);
    await waitIdle(page);
  });

  after(async () => {
    if (Object.keys(times).length) {
      console.log(`# figure: export of a ${PLACES.length}-view deck in headless Chromium (SwiftShader): ` +
        Object.entries(times).map(([f, ms]) => `${f} ${(ms / 1000).toFixed(1)} s`).join(', '));
    }
    await context?.close();
    await stopServer(srv);
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('exports a PNG at A4 landscape 150 dpi through the dialog: 1754 × 1240 px, with a map and its furniture', async () => {
    await page.locator('.guccho-export-button').click();
    await page.locator('.guccho-export-dialog select[name=format]').selectOption('png');
    await page.locator('.guccho-export-dialog select[name=size]').selectOption('a4-landscape-150');
    await page.locator('.guccho-export-dialog input[name=title]').fill('Bhairab footwear — ভৈরব');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: EXPORT_TIMEOUT_MS }),
      page.locator('.guccho-export-go').click(),
    ]);
    const file = join(artifacts, 'export-a4-150.png');
    await download.saveAs(file);
    assert.match(download.suggestedFilename(), /^guccho-bhairab-footwear-\d{4}-\d{2}-\d{2}\.png$/);
    const bytes = readFileSync(file);
    assert.deepEqual(pngSize(bytes), { width: 1754, height: 1240 });
    // Not blank: the map box holds many colours, and the admin fills differ from the page's white.
    const stats = await page.evaluate(async (b64) => {
      // (No fetch of a data: URL: the page's CSP allows connections to itself only.)
      const img = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
      const c = new OffscreenCanvas(img.width, img.height);
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, Math.round(img.height * 0.25), img.width, Math.round(img.height * 0.5));
      const colours = new Set();
      let white = 0;
      for (let i = 0; i < data.length; i += 4 * 7) {
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        if (data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250) white++;
      }
      return { colours: colours.size, whiteShare: white / (data.length / 28) };
    }, bytes.toString('base64'));
    assert.ok(stats.colours > 50, `the map box has ${stats.colours} colours`);
    assert.ok(stats.whiteShare < 0.5, `the map box is ${(stats.whiteShare * 100).toFixed(0)} % white`);
    await page.locator('.guccho-export-dialog').waitFor({ state: 'detached' });
  });

  it('exports a PNG at the limit, A3 landscape at 300 dpi: 4961 × 3508 px', async () => {
    const r = await page.evaluate(async () => {
      const app = window.__guccho;
      const exports = await app.exports();
      const { blob, ms } = await exports.exportView(app, { format: 'png', size: 'a3-landscape-300', download: false });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return { head: Array.from(bytes.subarray(0, 24)), ms, gpu: exports.maxCanvasSide() };
    });
    console.log(`# A3 300 dpi PNG: ${(r.ms / 1000).toFixed(1)} s; the GPU's largest canvas side is ${r.gpu} px`);
    assert.deepEqual(pngSize(Buffer.from(r.head)), { width: 4961, height: 3508 });
  });

  it('refuses a PNG beyond A3 at 300 dpi, naming the limit, in English and Bangla', async () => {
    await page.locator('.guccho-export-button').click();
    await page.locator('.guccho-export-dialog select[name=format]').selectOption('png');
    await page.locator('.guccho-export-dialog select[name=size]').selectOption('custom');
    await page.locator('.guccho-export-dialog input[name=width]').fill('6000');
    await page.locator('.guccho-export-dialog input[name=height]').fill('4000');
    let downloaded = false;
    const onDownload = () => (downloaded = true);
    page.on('download', onDownload);
    await page.locator('.guccho-export-go').click();
    const status = page.locator('.guccho-export-status.guccho-export-error');
    await status.waitFor({ timeout: 10_000 });
    assert.match(await status.innerText(), /A3 at 300 dpi \(4961 × 3508 px\); 6000 × 4000 px is larger/);
    await page.locator('.guccho-export-dialog button[type=button]').click();
    // The same from the function, in Bangla.
    const bn = await page.evaluate(async () => {
      const app = window.__guccho;
      const exports = await app.exports();
      app.i18n.setLang('bn');
      try {
        await exports.exportView(app, { format: 'png', size: { width: 3600, height: 4962 }, download: false });
        return 'exported';
      } catch (err) {
        return err instanceof exports.SizeError ? app.i18n.t(err.key, err.vars) : String(err);
      } finally {
        app.i18n.setLang('en');
      }
    });
    assert.match(bn, /এ৩.*4961 × 3508.*3600 × 4962/);
    page.off('download', onDownload);
    assert.equal(downloaded, false, 'no file for a refused size');
  });

  /** Exports the ten-view deck from the Bangla interface; resolves with the saved file and the time. */
  async function exportDeck(format) {
    await page.evaluate(() => window.__guccho.i18n.setLang('bn'));
    const [download, result] = await Promise.all([
      page.waitForEvent('download', { timeout: EXPORT_TIMEOUT_MS }),
      page.evaluate(
        async ({ deck, format }) => {
          const app = window.__guccho;
          const exports = await app.exports();
          const progress = [];
          const r = await exports.exportDeck(app, deck, format, (done, total) => progress.push(`${done}/${total}`));
          return { ms: r.ms, pages: r.pages, progress };
        },
        { deck: tenViewDeck(), format },
      ),
    ]);
    await page.evaluate(() => window.__guccho.i18n.setLang('en'));
    const file = join(artifacts, `export-deck.${format}`);
    await download.saveAs(file);
    times[format] = result.ms;
    console.log(`# ${format.toUpperCase()} of ${PLACES.length} views: ${(result.ms / 1000).toFixed(1)} s, ${readFileSync(file).length} bytes`);
    assert.equal(result.pages, PLACES.length);
    assert.deepEqual(result.progress, PLACES.map((_, i) => `${i + 1}/${PLACES.length}`));
    return readFileSync(file);
  }

  it('exports a ten-view deck to PDF: ten pages whose Bangla glyphs are those hb-shape gives', async () => {
    const bytes = await exportDeck('pdf');
    const doc = await PDFDocument.load(bytes);
    assert.equal(doc.getPageCount(), PLACES.length);
    let checked = 0;
    for (const [i, page] of doc.getPages().entries()) {
      const blocks = textBlocks(doc, page);
      const [, bn] = PLACES[i];
      const title = blocks.find((b) => b.text === bn);
      assert.ok(title, `page ${i + 1} has the title ${bn} as text (found ${blocks.map((b) => b.text).join(' | ')})`);
      assert.ok(blocks.some((b) => b.text === `${bn} জেলা`), `page ${i + 1} has its subtitle`);
      assert.ok(blocks.some((b) => /BBS and OCHA ROAP, COD-AB/.test(b.text)), `page ${i + 1} has the boundary attribution`);
      assert.ok(blocks.some((b) => /^উৎস: /.test(b.text)), `page ${i + 1} has the source line`);
      // Every block of Bangla alone, drawn in Noto Sans Bengali: the glyphs hb-shape gives, in order.
      checked += checkBanglaGlyphs(doc, page, `page ${i + 1}`);
    }
    assert.ok(checked >= 2 * PLACES.length, `checked ${checked} Bangla texts against hb-shape`);
    console.log(`# PDF: the glyphs of ${checked} Bangla texts match hb-shape`);
  });

  it('exports the same deck to PowerPoint: ten slides with the titles as text and the notes as speaker notes', async () => {
    const zip = await JSZip.loadAsync(await exportDeck('pptx'));
    const slides = Object.keys(zip.files).filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n));
    assert.equal(slides.length, PLACES.length);
    for (const [i, [, bn]] of PLACES.entries()) {
      const xml = await zip.file(`ppt/slides/slide${i + 1}.xml`).async('string');
      const texts = [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => m[1]);
      assert.ok(texts.includes(bn), `slide ${i + 1} has the title ${bn} as text (${texts.join(' | ')})`);
      assert.ok(texts.includes(`${bn} জেলা`), `slide ${i + 1} has its subtitle`);
      assert.match(xml, /typeface="Noto Sans Bengali"/, `slide ${i + 1} sets Bangla in Noto Sans Bengali`);
      assert.match(xml, /<p:pic>/, `slide ${i + 1} has the map image`);
      const notesName = Object.keys(zip.files).find((n) => n === `ppt/notesSlides/notesSlide${i + 1}.xml`);
      assert.ok(notesName, `slide ${i + 1} has speaker notes`);
      const notes = await zip.file(notesName).async('string');
      assert.ok(notes.includes(`${bn} নিয়ে কথা।`), `slide ${i + 1}'s notes are the view's notes`);
    }
  });

  it('left the page as it was, with no console errors', async () => {
    const state = await page.evaluate(() => ({ view: window.__guccho.view, hash: location.hash }));
    assert.equal(state.view, 'explore');
    assert.match(state.hash, /z=8(\.0+)?&lon=90\.9/);
    assert.deepEqual(errors, []);
  });
});
