// End-to-end test of a whole meeting, as issue 12 asks for it, against the
// real binary with the demo data:
//
//   GUCCHO_BIN=../bin/guccho node --test e2e/meeting.e2e.mjs
//
// (on PostGIS with GUCCHO_PG_URL, as the other e2e files). An editor saves
// four views through the API — the footwear LQ map, its hot spots (Gi*),
// the Bhairab cluster with its profile open, and the demo's Bhairab
// footwear value chain — and a deck of them. A colleague opens the deck's
// follow link. The presenter reads the place names in English and, after
// switching the language, in Bangla, opens the Views panel, clicks Present
// and steps through the four slides with PageDown; the follower shows each
// slide's view and camera within a couple of seconds, and the presenter
// sees one follower, with the labels written larger. Back from presenting,
// the presenter exports the deck from the Views panel to PDF (four pages,
// the Bangla titles' glyphs those hb-shape gives) and to PowerPoint (four
// slides with titles and notes), watching the progress line; and an
// exported PNG carries the place names (it differs from the same export
// without them). Screenshots of every slide, presenter and follower, go to
// e2e/artifacts/meeting-*.png.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import { artifacts, BHAIRAB, editorToken, getJSON, launchBrowser, shot, startServer, stopServer, VIEWPORT, waitIdle, watchConsole } from './harness.mjs';
import { checkBanglaGlyphs, textBlocks } from './pdf-text.mjs';

/**
 * "Within a couple of seconds": from the presenter's key to the follower
 * showing the slide's view at its camera, its 600 ms flight over. Runs on
 * the project's shared 2-core machine (SwiftShader) take 0.9–2.6 s, and up
 * to 4 s while other tests load it; 5 s is the bar.
 */
const FOLLOW_WITHIN_MS = 5000;
/** How long a step may wait before it fails with a description of where the page is. */
const WAIT_MS = 30_000;
const EXPORT_TIMEOUT_MS = 600_000;
const SECTOR = 'footwear_leather';
const BHAIRAB_UPAZILA = 'BD304811';

/** The four saved views of the meeting; the cluster and the chain are filled in from the demo data. */
function meetingViews(clusterID, chainID) {
  const [lon, lat] = BHAIRAB.map(String);
  return [
    {
      title: { en: 'Footwear: location quotient', bn: 'পাদুকা: অবস্থান ভাগফল' },
      subtitle: { en: 'By upazila, around Bhairab', bn: 'উপজেলাভিত্তিক, ভৈরবের চারপাশে' },
      notes: { en: 'Bhairab stands out: LQ above 2.', bn: 'ভৈরব আলাদা: অবস্থান ভাগফল ২-এর বেশি।' },
      state: { v: 1, view: 'clusters', params: { z: '8.2', lon, lat, sector: SECTOR, mode: 'lq', level: 'upazila' } },
    },
    {
      title: { en: 'Footwear hot spots', bn: 'পাদুকার হটস্পট' },
      subtitle: { en: 'Getis-Ord Gi*, 95 % confidence', bn: 'গেটিস-অর্ড জিআই*' },
      notes: { en: 'The hot spot spans Bhairab and its neighbours.', bn: 'হটস্পট ভৈরব ও পাশের উপজেলাজুড়ে।' },
      state: { v: 1, view: 'clusters', params: { z: '8.6', lon, lat, sector: SECTOR, mode: 'hotspots', level: 'upazila' } },
    },
    {
      title: { en: 'The Bhairab cluster', bn: 'ভৈরব গুচ্ছ' },
      subtitle: { en: 'SMEF rule: 50 units within 5 km', bn: 'এসএমইএফ নিয়ম' },
      notes: { en: 'Jobs, sectors and barriers of the cluster.', bn: 'গুচ্ছের কর্মসংস্থান ও বাধা।' },
      state: { v: 1, view: 'clusters', params: { z: '10', lon, lat, sector: SECTOR, mode: 'clusters', level: 'upazila', cluster: clusterID } },
    },
    {
      title: { en: 'Bhairab footwear value chain', bn: 'ভৈরব পাদুকার মূল্য শৃঙ্খল' },
      subtitle: { en: 'From input suppliers to exporters', bn: 'উপকরণ সরবরাহকারী থেকে রপ্তানিকারক' },
      notes: { en: 'The common service centre recycles the waste.', bn: 'সাধারণ সেবাকেন্দ্র বর্জ্য পুনর্ব্যবহার করে।' },
      state: { v: 1, view: 'valuechain', params: { z: '7', lon: '91.04', lat: '23.35', chain: chainID } },
    },
  ];
}

async function api(srv, token, method, path, body) {
  const res = await fetch(srv.base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** The page's view and camera. */
const where = (page) =>
  page.evaluate(() => {
    const app = window.__guccho;
    const c = app.map.getCenter();
    return { view: app.view, zoom: app.map.getZoom(), lon: c.lng, lat: c.lat, moving: app.map.isMoving(), hash: location.hash };
  });

/** Waits until page shows state's view at its camera, no longer moving; resolves with the ms it waited. */
async function waitAtState(page, state, what, timeout = WAIT_MS) {
  const started = Date.now();
  const { view, params } = state;
  try {
    await page.waitForFunction(
      ([view, z, lon, lat]) => {
        const app = window.__guccho;
        if (!app || app.view !== (view || 'explore') || app.map.isMoving()) return false;
        const c = app.map.getCenter();
        return Math.abs(app.map.getZoom() - z) < 0.05 && Math.abs(c.lng - lon) < 1e-3 && Math.abs(c.lat - lat) < 1e-3;
      },
      [view, Number(params.z), Number(params.lon), Number(params.lat)],
      { timeout, polling: 50 },
    );
  } catch (err) {
    throw new Error(`${what}: not within ${timeout} ms; the page is at ${JSON.stringify(await where(page))}: ${err.message}`);
  }
  const ms = Date.now() - started;
  console.log(`# ${what} after ${ms} ms`);
  return ms;
}

/** The place labels placed on the page's live map (window.__gucchoLabels), once their levels and fonts have arrived. */
async function placedLabels(page) {
  await page.waitForFunction(() => Boolean(window.__gucchoLabels), null, { timeout: WAIT_MS });
  await page.evaluate(() => window.__gucchoLabels.ready());
  // A drawing after the last arrival.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => window.__gucchoLabels.placed().filter((l) => l.text));
}

/** Pixels (sampled) in which two PNGs differ, decoded in the page. */
function differingPixels(page, a, b) {
  return page.evaluate(
    async ([a, b]) => {
      const decode = async (b64) => {
        const img = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
        const c = new OffscreenCanvas(img.width, img.height);
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, img.width, img.height);
      };
      const [x, y] = [await decode(a), await decode(b)];
      if (x.width !== y.width || x.height !== y.height) return -1;
      let n = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        if (Math.abs(x.data[i] - y.data[i]) + Math.abs(x.data[i + 1] - y.data[i + 1]) + Math.abs(x.data[i + 2] - y.data[i + 2]) > 60) n++;
      }
      return n;
    },
    [a.toString('base64'), b.toString('base64')],
  );
}

describe('a meeting: a deck prepared, presented, followed and handed out', { timeout: 30 * 60_000 }, () => {
  let srv;
  let browser;
  let presenter;
  let follower;
  let deckId;
  let views;
  let setupError;
  const consoleErrors = [];

  const step = (title, fn) =>
    it(title, async () => {
      if (setupError) throw new Error(`setup failed: ${setupError.message}`);
      await fn();
    });

  before(async () => {
    try {
      mkdirSync(artifacts, { recursive: true });
      srv = await startServer({ demo: true, name: 'meeting server' });
      const token = await editorToken(srv);
      // The demo's Bhairab footwear cluster (SMEF) and its hand-made value chain.
      const smef = await getJSON(srv, `/api/clusters?sector=${SECTOR}&method=smef`);
      const cluster = smef.features.find((f) => f.properties.units.some((u) => u.pcode === BHAIRAB_UPAZILA));
      assert.ok(cluster, 'the demo has a SMEF footwear cluster at Bhairab');
      const { chains } = await getJSON(srv, '/api/valuechains');
      const chain = chains.find((c) => !c.cluster && /bhairab/i.test(`${c.id} ${c.name}`) && c.sector === SECTOR);
      assert.ok(chain, `the demo has a Bhairab footwear chain (${chains.map((c) => c.id).join(', ')})`);

      views = meetingViews(String(cluster.properties.id), chain.id);
      const saved = [];
      for (const v of views) saved.push(await api(srv, token, 'POST', '/api/views', v));
      const deck = await api(srv, token, 'POST', '/api/decks', {
        title: { en: 'Footwear in Bhairab', bn: 'ভৈরবের পাদুকা' },
        subtitle: { en: 'Board meeting', bn: 'বোর্ড সভা' },
        view_ids: saved.map((v) => v.id),
      });
      deckId = deck.id;

      browser = await launchBrowser();
      const open = async (label, hash, signedIn) => {
        const ctx = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
        if (signedIn) await ctx.addInitScript((t) => window.localStorage.setItem('guccho.token', t), token);
        const page = await ctx.newPage();
        watchConsole(page, consoleErrors, label);
        await page.goto(`${srv.base}/${hash}`);
        return page;
      };
      // A colleague opens the follow link before the meeting starts; the presenter opens the map over Dhaka.
      follower = await open('follower', `#follow=${encodeURIComponent(deckId)}`, false);
      presenter = await open('presenter', '#z=7.5&lon=90.4&lat=23.75', true);
      await waitIdle(presenter);
    } catch (err) {
      setupError = err;
      if (srv?.log.length) console.log(`# server output:\n${srv.log.join('')}`);
    }
  });

  after(async () => {
    try {
      await browser?.close();
    } catch (err) {
      console.log(`# closing the browser: ${err}`);
    }
    if (srv) {
      await stopServer(srv);
      writeFileSync(join(artifacts, 'meeting-server.log'), srv.log.join(''));
      rmSync(srv.dbDir, { recursive: true, force: true });
    }
  });

  step('the follower waits for the presenter', async () => {
    await follower.locator('.pr-follow-bar[data-mode="waiting"]').waitFor({ timeout: WAIT_MS });
  });

  step('the presenter’s map names the districts in English, then in Bangla after switching the language', async () => {
    const en = await placedLabels(presenter);
    assert.ok(en.length >= 5, `${en.length} place names in English`);
    assert.ok(en.some((l) => l.text === 'Dhaka'), `Dhaka is named (${en.map((l) => l.text).join(', ')})`);
    assert.ok(en.every((l) => !l.bangla));
    await presenter.locator('.guccho-lang button[data-lang="bn"]').click();
    await presenter.waitForFunction(() => window.__gucchoLabels.placed().some((l) => l.text === 'ঢাকা'), null, { timeout: WAIT_MS });
    const bn = await placedLabels(presenter);
    assert.ok(bn.filter((l) => l.bangla).length >= 5, `${bn.length} place names, in Bangla: ${bn.map((l) => l.text).join(', ')}`);
    const fonts = await presenter.evaluate(() => document.fonts.check('600 13px "Noto Sans Bengali"', 'ঢাকা'));
    assert.equal(fonts, true, 'Noto Sans Bengali is loaded for the labels');
    await shot(presenter, 'meeting-00-labels-bangla.png');
  });

  step('the presenter opens the Views panel and clicks Present: the first slide, full screen, and the follower follows', async () => {
    await presenter.locator('.guccho-decks-button').click();
    const present = presenter.locator(`.dk-deck[data-id="${deckId}"] .dk-present`);
    await present.waitFor({ timeout: WAIT_MS });
    assert.equal(await present.innerText(), 'উপস্থাপন করুন');
    const clicked = Date.now();
    await present.click();
    await presenter.locator('body.guccho-presenting').waitFor({ state: 'attached', timeout: WAIT_MS });
    assert.equal(await presenter.locator('.dk-panel').isVisible(), false, 'the panel closed');
    await presenter.locator('.pr-title-card h1').filter({ hasText: views[0].title.bn }).waitFor({ timeout: WAIT_MS });
    await waitAtState(presenter, views[0].state, 'the presenter reached slide 1');
    await waitAtState(follower, views[0].state, 'the follower reached slide 1');
    console.log(`# slide 1 on the follower ${Date.now() - clicked} ms after the click on Present`);
    await follower.locator('.pr-title-card h1').filter({ hasText: views[0].title.en }).waitFor({ timeout: 5000 });
  });

  step('the presenter sees one follower', async () => {
    await presenter
      .locator('.pr-followers[data-count="1"]')
      .waitFor({ state: 'attached', timeout: WAIT_MS })
      .catch(async (err) => {
        throw new Error(`the presenter's count reads ${JSON.stringify(await presenter.locator('.pr-followers').innerText())}: ${err.message}`);
      });
  });

  step('place labels are larger while presenting, still in Bangla', async () => {
    await waitIdle(presenter);
    const labels = await placedLabels(presenter);
    assert.ok(labels.length > 0, 'names on the first slide');
    assert.ok(labels.every((l) => l.bangla), `all in Bangla: ${labels.map((l) => l.text).join(', ')}`);
    const frame = await presenter.evaluate(() => window.__guccho.overlays.textScale);
    assert.equal(frame, 1.4);
    // Districts are 13 px at scale 1 (labels/admin.ts), upazilas 12.5 px: at 1.4, 18.2 and 17.5 px.
    const sizes = [...new Set(labels.map((l) => Math.round(l.size * 10) / 10))].sort();
    assert.ok(sizes.every((s) => s >= 15), `label sizes ${sizes.join(', ')} px`);
  });

  for (let i = 0; i < 4; i++) {
    step(`slide ${i + 1}: presenter and follower show it, the follower within ${FOLLOW_WITHIN_MS / 1000} s`, async () => {
      const state = views[i].state;
      if (i > 0) {
        await presenter.bringToFront();
        await presenter.keyboard.press('PageDown');
      }
      const follow = waitAtState(follower, state, `the follower reached slide ${i + 1}`);
      await waitAtState(presenter, state, `the presenter reached slide ${i + 1}`);
      const lag = await follow;
      if (i > 0) assert.ok(lag <= FOLLOW_WITHIN_MS, `the follower showed slide ${i + 1} ${lag} ms after PageDown`);
      assert.equal(await presenter.locator('.pr-counter').innerText(), `স্লাইড ${'১২৩৪'[i]} / ৪`);
      await presenter.locator('.pr-title-card h1').filter({ hasText: views[i].title.bn }).waitFor({ timeout: 5000 });
      await follower.locator('.pr-title-card h1').filter({ hasText: views[i].title.en }).waitFor({ timeout: 5000 });
      // What a manager expects on each slide: the legend, the profile, the chain.
      const expect = [
        async (page) => page.locator('.cl-legend').waitFor({ state: 'visible', timeout: WAIT_MS }),
        async (page) => page.locator('.cl-legend').waitFor({ state: 'visible', timeout: WAIT_MS }),
        async (page) => page.locator('.cl-profile-title').filter({ hasText: /Bhairab|ভৈরব/ }).waitFor({ state: 'visible', timeout: WAIT_MS }),
        async (page) => page.waitForFunction(() => document.querySelector('.vc-pane')?.dataset.state === 'ready', null, { timeout: WAIT_MS }),
      ][i];
      await expect(presenter);
      await expect(follower);
      if (i < 3) {
        const mode = await presenter.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('mode'));
        assert.equal(mode, state.params.mode);
      }
      await waitIdle(presenter);
      await waitIdle(follower);
      await shot(presenter, `meeting-${String(i + 1).padStart(2, '0')}-presenter.png`);
      await shot(follower, `meeting-${String(i + 1).padStart(2, '0')}-follower.png`);
    });
  }

  step('the presenter leaves presentation mode with Escape; labels return to their size', async () => {
    await presenter.keyboard.press('Escape');
    await presenter.waitForFunction(() => !document.body.classList.contains('guccho-presenting'), null, { timeout: WAIT_MS });
    assert.equal(await presenter.evaluate(() => window.__guccho.overlays.textScale), 1);
  });

  /** Exports the deck from the Views panel; resolves with the file's bytes and the progress lines seen. */
  async function exportFromPanel(format) {
    const panel = presenter.locator('.dk-panel');
    if (!(await panel.isVisible())) await presenter.locator('.guccho-decks-button').click();
    const button = presenter.locator(`.dk-deck[data-id="${deckId}"] .dk-export-${format}`);
    await button.waitFor({ timeout: WAIT_MS });
    await presenter.evaluate(() => {
      window.__meetingProgress = [];
      const seen = () => {
        const t = document.querySelector('.dk-notice-progress')?.textContent;
        if (t && window.__meetingProgress.at(-1) !== t) window.__meetingProgress.push(t);
      };
      window.__meetingObserver?.disconnect();
      window.__meetingObserver = new MutationObserver(seen);
      window.__meetingObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const started = Date.now();
    const [download] = await Promise.all([presenter.waitForEvent('download', { timeout: EXPORT_TIMEOUT_MS }), button.click()]);
    const file = join(artifacts, `meeting-deck.${format}`);
    await download.saveAs(file);
    const ms = Date.now() - started;
    await presenter.locator('.dk-notice').filter({ hasText: download.suggestedFilename() }).waitFor({ timeout: WAIT_MS });
    const progress = await presenter.evaluate(() => window.__meetingProgress);
    console.log(`# ${format} of 4 slides from the panel: ${(ms / 1000).toFixed(1)} s; progress: ${progress.join(' | ')}`);
    return { bytes: readFileSync(file), progress };
  }

  step('exports the deck to PDF from the Views panel: four pages, the Bangla titles shaped as hb-shape shapes them', async () => {
    const { bytes, progress } = await exportFromPanel('pdf');
    for (const n of ['১', '২', '৩', '৪']) assert.ok(progress.includes(`পিডিএফ: পৃষ্ঠা ${n} / ৪…`), `progress shows page ${n}: ${progress.join(' | ')}`);
    const doc = await PDFDocument.load(bytes);
    assert.equal(doc.getPageCount(), 4);
    let checked = 0;
    for (const [i, page] of doc.getPages().entries()) {
      const texts = textBlocks(doc, page).map((b) => b.text);
      assert.ok(texts.includes(views[i].title.bn), `page ${i + 1} has the title ${views[i].title.bn} (${texts.join(' | ')})`);
      checked += checkBanglaGlyphs(doc, page, `page ${i + 1}`);
    }
    assert.ok(checked >= 4, `checked ${checked} Bangla texts against hb-shape`);
    console.log(`# PDF: the glyphs of ${checked} Bangla texts match hb-shape`);
  });

  step('exports the deck to PowerPoint from the Views panel: four slides with titles and notes', async () => {
    const { bytes } = await exportFromPanel('pptx');
    const zip = await JSZip.loadAsync(bytes);
    const slides = Object.keys(zip.files).filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n));
    assert.equal(slides.length, 4);
    for (const [i, v] of views.entries()) {
      const xml = await zip.file(`ppt/slides/slide${i + 1}.xml`).async('string');
      const texts = [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => m[1]);
      assert.ok(texts.includes(v.title.bn), `slide ${i + 1} has the title ${v.title.bn} (${texts.join(' | ')})`);
      assert.match(xml, /<p:pic>/, `slide ${i + 1} has the map image`);
      const notes = await zip.file(`ppt/notesSlides/notesSlide${i + 1}.xml`)?.async('string');
      assert.ok(notes?.includes(v.notes.bn), `slide ${i + 1}'s notes are the view's notes`);
    }
  });

  step('an exported PNG carries the place names: it differs from the same export without them', async () => {
    await presenter.evaluate(() => window.__guccho.open({ view: '', params: { z: '7.5', lon: '90.4', lat: '23.75' } }, { duration: 0 }));
    await waitIdle(presenter);
    const r = await presenter.evaluate(async () => {
      const app = window.__guccho;
      const exports = await app.exports();
      const png = async () => {
        const { blob } = await exports.exportView(app, { format: 'png', size: 'screen', download: false });
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let s = '';
        for (const b of bytes) s += String.fromCharCode(b);
        return btoa(s);
      };
      const labels = app.overlays.list().find((o) => o.id === 'admin-labels');
      const withLabels = await png();
      const draw = labels.draw;
      labels.draw = () => {};
      try {
        return { withLabels, without: await png() };
      } finally {
        labels.draw = draw;
      }
    });
    const a = Buffer.from(r.withLabels, 'base64');
    const b = Buffer.from(r.without, 'base64');
    writeFileSync(join(artifacts, 'meeting-labels-export.png'), a);
    const diff = await differingPixels(presenter, a, b);
    console.log(`# the PNG with place names differs from the one without in ${diff} pixels`);
    assert.ok(diff > 500, `${diff} pixels differ`);
  });

  step('no console errors on either page', async () => {
    assert.deepEqual(consoleErrors, []);
  });
});
