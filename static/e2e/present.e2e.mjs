// End-to-end test of presenting and following live: an editor saves two
// views and a deck through the decks API; a presenter opens #present=<deck>
// and two followers open #follow=<deck> (separate browser contexts). The
// presenter sees two followers and opens the speaker notes window; it
// presses PageDown (a clicker's "next"); both followers show the second
// slide's view and camera; one follower pans, sees "Rejoin presenter",
// clicks it and is back at the presenter's position. On PostGIS
// (GUCCHO_PG_URL) the second follower is on a second server instance on
// the same database, so the position and the follower count cross
// LISTEN/NOTIFY.
//
//   node --test e2e/present.e2e.mjs
//
// Screenshots and server logs go to e2e/artifacts/ (present-*.png, present-server-*.log).

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { artifacts, BHAIRAB, editorToken, launchBrowser, pgURL, shot, startServer, stopServer, VIEWPORT, waitIdle, watchConsole } from './harness.mjs';

/** How long a follower may take to show the presenter's position (SwiftShader is slow; the socket is not). */
const SEE_TIMEOUT_MS = 20_000;

const SLIDES = [
  { title: { en: 'Dairy around Dhaka', bn: 'ঢাকার চারপাশে দুগ্ধ' }, notes: { en: 'Start with the dairy upazilas.', bn: '' }, state: { v: 1, view: '', params: { z: '7', lon: '90.4', lat: '23.8' } } },
  {
    title: { en: 'Bhairab footwear', bn: 'ভৈরবের পাদুকা' },
    subtitle: { en: 'Location quotient by district', bn: '' },
    notes: { en: 'Over 10,000 microenterprises.', bn: '' },
    state: { v: 1, view: 'clusters', params: { z: '9', lon: String(BHAIRAB[0]), lat: String(BHAIRAB[1]), sector: 'footwear_leather', mode: 'lq', level: 'district' } },
  },
];

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
    return { view: app.view, zoom: app.map.getZoom(), lon: c.lng, lat: c.lat, moving: app.map.isMoving() };
  });

/** Waits until page shows slide's view at its camera (and has stopped). */
async function waitAtSlide(page, slide, what) {
  const started = Date.now();
  const { view, params } = slide.state;
  try {
    await page.waitForFunction(
      ([view, z, lon, lat]) => {
        const app = window.__guccho;
        if (!app || app.view !== (view || 'explore') || app.map.isMoving()) return false;
        const c = app.map.getCenter();
        return Math.abs(app.map.getZoom() - z) < 0.05 && Math.abs(c.lng - lon) < 1e-3 && Math.abs(c.lat - lat) < 1e-3;
      },
      [view, Number(params.z), Number(params.lon), Number(params.lat)],
      { timeout: SEE_TIMEOUT_MS, polling: 100 },
    );
  } catch (err) {
    throw new Error(`${what}: not within ${SEE_TIMEOUT_MS} ms; the page is at ${JSON.stringify(await where(page))} (hash ${await page.evaluate(() => location.hash)}): ${err.message}`);
  }
  console.log(`# ${what} after ${Date.now() - started} ms`);
}

describe('presenting a deck, followed live', () => {
  const servers = [];
  let browser;
  let presenter;
  let followers = [];
  let notes;
  let deckId;
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
      const a = await startServer({ name: 'server A' });
      servers.push(a);
      const b = pgURL ? await startServer({ name: 'server B' }) : a;
      if (b !== a) servers.push(b);
      const token = await editorToken(a);
      const views = [];
      for (const s of SLIDES) views.push(await api(a, token, 'POST', '/api/views', s));
      const deck = await api(a, token, 'POST', '/api/decks', { title: { en: 'E2E board', bn: 'বোর্ড' }, view_ids: views.map((v) => v.id) });
      deckId = deck.id;

      browser = await launchBrowser();
      const open = async (srv, label, hash, signedIn) => {
        const ctx = await browser.newContext({ viewport: VIEWPORT });
        if (signedIn) await ctx.addInitScript((t) => window.localStorage.setItem('guccho.token', t), token);
        const page = await ctx.newPage();
        watchConsole(page, consoleErrors, label);
        await page.goto(`${srv.base}/${hash}`);
        return page;
      };
      presenter = await open(a, 'presenter', `#present=${encodeURIComponent(deckId)}`, true);
      followers = [await open(a, 'follower 1', `#follow=${encodeURIComponent(deckId)}`, false), await open(b, 'follower 2', `#follow=${encodeURIComponent(deckId)}`, false)];
    } catch (err) {
      setupError = err;
      for (const s of servers) if (s.log.length) console.log(`# ${s.name} output:\n${s.log.join('')}`);
    }
  });

  after(async () => {
    try {
      await browser?.close();
    } catch (err) {
      console.log(`# closing the browser: ${err}`);
    }
    for (const [i, s] of servers.entries()) {
      await stopServer(s);
      writeFileSync(join(artifacts, `present-server-${'AB'[i]}.log`), s.log.join(''));
      rmSync(s.dbDir, { recursive: true, force: true });
    }
    if (consoleErrors.length) console.log(`# ${consoleErrors.length} browser console error(s), see above`);
  });

  step('the presenter shows the first slide in presentation mode, and both followers follow it', async () => {
    await presenter.locator('body.guccho-presenting').waitFor({ state: 'attached', timeout: SEE_TIMEOUT_MS });
    await presenter.locator('.pr-title-card h1').filter({ hasText: SLIDES[0].title.en }).waitFor({ timeout: SEE_TIMEOUT_MS });
    // Controls and the header are hidden; the slide counter reads 1 of 2.
    assert.equal(await presenter.locator('.guccho-lang').isVisible(), false, 'the language control is hidden');
    assert.equal(await presenter.locator('.app-header').isVisible(), false, 'the header is hidden');
    assert.equal(await presenter.locator('.pr-counter').innerText(), 'Slide 1 of 2');
    await waitAtSlide(presenter, SLIDES[0], 'the presenter reached slide 1');
    for (const [i, page] of followers.entries()) {
      await page.locator('.pr-follow-bar[data-mode="following"]').waitFor({ timeout: SEE_TIMEOUT_MS });
      await waitAtSlide(page, SLIDES[0], `follower ${i + 1} reached slide 1`);
      assert.equal(await page.locator('.pr-title-card h1').innerText(), SLIDES[0].title.en);
    }
  });

  step('the presenter sees that two follow', async () => {
    await presenter
      .locator('.pr-followers[data-count="2"]')
      .waitFor({ state: 'attached', timeout: SEE_TIMEOUT_MS })
      .catch(async (err) => {
        throw new Error(`the presenter's count reads ${JSON.stringify(await presenter.locator('.pr-followers').innerText())}: ${err.message}`);
      });
    assert.equal(await presenter.locator('.pr-followers').innerText(), '2 following');
    await shot(presenter, 'present-00-presenter.png');
  });

  step('the speaker notes open in a second window and show the slide’s notes and the next title', async () => {
    const [page] = await Promise.all([presenter.context().waitForEvent('page'), presenter.locator('.pr-open-notes').click()]);
    notes = page;
    watchConsole(notes, consoleErrors, 'notes');
    await notes.locator('.pr-notes-text').filter({ hasText: SLIDES[0].notes.en }).waitFor({ timeout: SEE_TIMEOUT_MS });
    assert.equal(await notes.locator('.pr-notes h1').innerText(), SLIDES[0].title.en);
    assert.equal(await notes.locator('.pr-notes-next').innerText(), `Next: ${SLIDES[1].title.en}`);
    assert.match(await notes.locator('.pr-notes-elapsed').innerText(), /^Elapsed \d+:\d\d$/);
  });

  step('PageDown on the presenter takes both followers to the next slide’s view and camera', async () => {
    await presenter.bringToFront();
    await presenter.keyboard.press('PageDown');
    await waitAtSlide(presenter, SLIDES[1], 'the presenter reached slide 2');
    // The clusters view's legend stays on the map; its form does not.
    await presenter.locator('.cl-legend').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await presenter.locator('.cl-panel select').first().isVisible(), false, 'the clusters form is hidden');
    for (const [i, page] of followers.entries()) {
      await waitAtSlide(page, SLIDES[1], `follower ${i + 1} reached slide 2`);
      await page.locator('.pr-title-card h1').filter({ hasText: SLIDES[1].title.en }).waitFor({ timeout: 5000 });
    }
    await notes.locator('.pr-notes h1').filter({ hasText: SLIDES[1].title.en }).waitFor({ timeout: 5000 });
    assert.equal(await notes.locator('.pr-notes-next').innerText(), 'This is the last slide.');
    await waitIdle(presenter);
    await shot(presenter, 'present-01-presenter.png');
    await shot(followers[1], 'present-01-follower.png');
  });

  step('a follower who pans is paused, and Rejoin brings them back to the presenter', async () => {
    const page = followers[0];
    await waitIdle(page);
    const box = await page.locator('#map canvas.maplibregl-canvas').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 150, cy - 60, { steps: 8 });
    await page.mouse.up();
    const rejoin = page.locator('.pr-rejoin');
    await rejoin.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await rejoin.innerText(), 'Rejoin presenter');
    assert.equal(await page.locator('.pr-follow-bar').getAttribute('data-mode'), 'paused');
    const away = await where(page);
    assert.ok(Math.abs(away.lon - BHAIRAB[0]) > 1e-3, `the pan moved the map (lon ${away.lon})`);
    // The other follower still follows.
    assert.equal(await followers[1].locator('.pr-follow-bar').getAttribute('data-mode'), 'following');
    await shot(page, 'present-02-paused.png');

    await rejoin.click();
    await waitAtSlide(page, SLIDES[1], 'the follower rejoined');
    assert.equal(await page.locator('.pr-follow-bar').getAttribute('data-mode'), 'following');
    assert.equal(await rejoin.isVisible(), false);
  });

  step('Escape leaves presentation mode', async () => {
    await presenter.bringToFront();
    await presenter.keyboard.press('Escape');
    await presenter.locator('body:not(.guccho-presenting)').waitFor({ state: 'attached', timeout: 5000 });
    assert.equal(await presenter.locator('.pr-title-card').count(), 0);
    assert.equal(await presenter.locator('.guccho-lang').isVisible(), true, 'the controls are back');
  });
});
