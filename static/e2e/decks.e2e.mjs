// End-to-end test of saved views and decks against the real binary:
//
//   GUCCHO_BIN=../bin/guccho node --test e2e/decks.e2e.mjs
//
// (on PostGIS with GUCCHO_PG_URL, as the other e2e files). It starts
// `guccho serve --demo`, signs in as an editor and, through the Views panel,
// saves two views (explore with a sector filter and a selected unit; the
// clusters view with a statistic), makes a deck of them and reorders it.
// Fresh page loads of the deck's link and of a saved view's link must show
// the right view, camera and parameters; a view saved by a newer version
// (an unknown view and parameter) opens with a notice naming them; an
// unknown deck id says so. Screenshots go to e2e/artifacts/ (decks-*.png).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { artifacts, editorToken, getJSON, launchPersistent, shot, signIn, startServer, stopServer, waitIdle, watchConsole } from './harness.mjs';

/** Explore around Dhaka: dairy only, Dhaka district selected. */
const EXPLORE = { z: '8.5', lon: '90.41', lat: '23.81', sel: 'BD3026', sectors: 'dairy' };
/** The clusters view at Bhairab: footwear LQ by upazila. */
const CLUSTERS = { z: '9', lon: '90.99', lat: '24.05', sector: 'footwear_leather', mode: 'lq', level: 'upazila' };

const hashOf = (view, params) => '#' + new URLSearchParams(view === 'explore' ? params : { view, ...params }).toString();

/** The app's route and camera, as the page has them. */
const where = (page) =>
  page.evaluate(() => {
    const app = window.__guccho;
    const c = app.map.getCenter();
    return { view: app.view, params: app.router.current.params, zoom: app.map.getZoom(), lon: c.lng, lat: c.lat, hash: location.hash };
  });

/** Waits until the app shows view with params among its hash parameters, and the map is idle. */
async function waitForRoute(page, view, params) {
  await page.waitForFunction(
    ([v, p]) => {
      const app = window.__guccho;
      return app?.view === v && Object.entries(p).every(([k, x]) => app.router.current.params[k] === x);
    },
    [view, params],
    { timeout: 30_000 },
  );
  await waitIdle(page);
}

function assertCamera(got, want, what) {
  assert.ok(Math.abs(got.zoom - Number(want.z)) < 0.05, `${what}: zoom ${got.zoom}, want ${want.z}`);
  assert.ok(Math.abs(got.lon - Number(want.lon)) < 0.01 && Math.abs(got.lat - Number(want.lat)) < 0.01, `${what}: centre ${got.lon}, ${got.lat}, want ${want.lon}, ${want.lat}`);
}

/** Fills the panel's form and saves it. */
async function fillForm(page, fields) {
  for (const [name, value] of Object.entries(fields)) await page.locator(`.dk-form [name="${name}"]`).fill(value);
  await page.locator('.dk-form .dk-form-save').click();
  await page.locator('.dk-form').waitFor({ state: 'detached', timeout: 10_000 });
}

/** Opens a link in a fresh page load (not a hash change of the page shown). */
async function freshLoad(page, url) {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(() => Boolean(window.__guccho?.map), null, { timeout: 45_000 });
}

describe('saved views and decks', () => {
  let srv;
  let context;
  let page;
  let token;
  let profile;
  const consoleErrors = [];
  let setupError;
  const ids = {};
  const step = (name, fn) =>
    it(name, async () => {
      if (setupError) throw new Error(`setup failed: ${setupError.message}`);
      await fn();
    });

  before(async () => {
    try {
      mkdirSync(artifacts, { recursive: true });
      srv = await startServer({ demo: true, name: 'server' });
      token = await editorToken(srv);
      profile = mkdtempSync(join(tmpdir(), 'guccho-e2e-decks-'));
      context = await launchPersistent(profile);
      page = context.pages()[0] ?? (await context.newPage());
      watchConsole(page, consoleErrors);
      await page.goto(srv.base + '/' + hashOf('explore', EXPLORE));
      await waitIdle(page);
      await signIn(page, token);
    } catch (err) {
      setupError = err;
    }
  });

  after(async () => {
    await context?.close().catch(() => {});
    await stopServer(srv);
    if (srv) writeFileSync(join(artifacts, 'decks-server.log'), srv.log.join(''));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  step('an editor saves explore with a sector filter and a selected unit', async () => {
    await waitForRoute(page, 'explore', { sel: 'BD3026', sectors: 'dairy' });
    await page.locator('.guccho-decks-button').click();
    await page.locator('.dk-panel').waitFor({ state: 'visible' });
    assert.equal(await page.locator('.guccho-decks-button').getAttribute('aria-expanded'), 'true');
    await page.locator('.dk-save').click();
    await fillForm(page, { title_en: 'Dairy around Dhaka', title_bn: 'ঢাকার আশেপাশে দুগ্ধ', notes_en: 'Start here.' });
    await page.locator('.dk-view', { hasText: 'Dairy around Dhaka' }).waitFor();
    // Newest first; on a shared PostGIS database other test files may have saved views before.
    const saved = (await getJSON(srv, '/api/views')).views[0];
    ids.explore = saved.id;
    assert.equal(saved.title.bn, 'ঢাকার আশেপাশে দুগ্ধ');
    assert.equal(saved.state.view, '');
    for (const k of ['sel', 'sectors']) assert.equal(saved.state.params[k], EXPLORE[k], `saved ${k}`);
    assert.ok(saved.created_by.startsWith('tok_'), `created_by ${saved.created_by}`);
  });

  step('an editor saves the clusters view with a statistic', async () => {
    await page.evaluate((h) => (location.hash = h), hashOf('clusters', CLUSTERS));
    await waitForRoute(page, 'clusters', { mode: 'lq', sector: 'footwear_leather' });
    await page.locator('.dk-save').click();
    await fillForm(page, { title_en: 'Footwear LQ at Bhairab', title_bn: 'ভৈরবে পাদুকার এলকিউ', subtitle_en: 'By upazila' });
    await page.locator('.dk-view', { hasText: 'Footwear LQ at Bhairab' }).waitFor();
    const saved = (await getJSON(srv, '/api/views')).views[0];
    ids.clusters = saved.id;
    assert.equal(saved.title.en, 'Footwear LQ at Bhairab');
    assert.equal(saved.state.view, 'clusters');
    for (const k of ['mode', 'sector', 'level']) assert.equal(saved.state.params[k], CLUSTERS[k], `saved ${k}`);
    await shot(page, 'decks-saved.png');
  });

  step('the editor makes a deck of both and reorders it', async () => {
    await page.locator('.dk-new-deck').click();
    await fillForm(page, { title_en: 'Board meeting', title_bn: 'বোর্ড সভা' });
    await page.locator('.dk-deck-title').waitFor();
    await page.locator(`.dk-add-item[data-id="${ids.explore}"] .dk-add`).click();
    await page.locator('.dk-slide').first().waitFor();
    await page.locator(`.dk-add-item[data-id="${ids.clusters}"] .dk-add`).click();
    await page.locator('.dk-slide').nth(1).waitFor();
    const { decks } = await getJSON(srv, '/api/decks');
    ids.deck = decks[0].id;
    assert.deepEqual(decks[0].view_ids, [ids.explore, ids.clusters]);
    // The clusters view first: the explore slide goes down.
    await page.locator('.dk-slide[data-index="0"] .dk-down').click();
    await page.waitForFunction((id) => document.querySelector('.dk-slide[data-index="0"]')?.getAttribute('data-id') === id, ids.clusters);
    const deck = await getJSON(srv, '/api/decks/' + ids.deck);
    assert.deepEqual(deck.view_ids, [ids.clusters, ids.explore]);
    assert.deepEqual(
      deck.views.map((v) => v.title.en),
      ['Footwear LQ at Bhairab', 'Dairy around Dhaka'],
    );
    await shot(page, 'decks-deck.png');
  });

  step('after a reload the deck link opens the deck at its slide: explore, with its camera, filter and unit', async () => {
    await freshLoad(page, `${srv.base}/#deck=${ids.deck}&slide=2`);
    await waitForRoute(page, 'explore', { sel: 'BD3026', sectors: 'dairy' });
    await page.locator('.dk-panel').waitFor({ state: 'visible' });
    assert.equal(await page.locator('.dk-position').innerText(), 'Slide 2 of 2');
    assert.equal(await page.locator('.dk-slide[aria-current] .dk-item-title').innerText(), 'Dairy around Dhaka');
    const got = await where(page);
    assertCamera(got, EXPLORE, 'deck slide 2');
    assert.ok(!/deck=|slide=/.test(got.hash), `the link keys left the hash: ${got.hash}`);
    await page.locator('.unit-panel').waitFor({ state: 'visible' });
    assert.match(await page.locator('.unit-panel').innerText(), /Dhaka/);
    assert.equal(await page.evaluate(() => (window.__guccho.sectors?.selected ?? []).join(',')), 'dairy');
    await shot(page, 'decks-slide-2.png');
    // Previous flies to slide 1, the clusters view.
    await page.locator('.dk-prev').click();
    await waitForRoute(page, 'clusters', { mode: 'lq', sector: 'footwear_leather', level: 'upazila' });
    assertCamera(await where(page), CLUSTERS, 'deck slide 1');
  });

  step('a saved view’s link opens the clusters view with its statistic and camera', async () => {
    await freshLoad(page, `${srv.base}/#saved=${ids.clusters}`);
    await waitForRoute(page, 'clusters', { mode: 'lq', sector: 'footwear_leather', level: 'upazila' });
    const got = await where(page);
    assertCamera(got, CLUSTERS, 'saved view');
    assert.ok(!got.hash.includes('saved='), `the link key left the hash: ${got.hash}`);
    await page.locator('.cl-panel').waitFor({ state: 'visible' });
    assert.equal(await page.locator('.dk-notice').count(), 0, 'no notice for a view that opens whole');
    // The same link followed inside the page (a hash change) opens it too.
    await page.evaluate((id) => (location.hash = '#saved=' + id), ids.explore);
    await waitForRoute(page, 'explore', { sel: 'BD3026', sectors: 'dairy' });
  });

  step('a view saved by a newer version opens with what it can and names what it dropped', async () => {
    const res = await fetch(srv.base + '/api/views', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        title: { en: 'From the future', bn: 'ভবিষ্যৎ থেকে' },
        state: { v: 2, view: 'timeline', params: { z: '7.5', lon: '90.5', lat: '23.9', sectors: 'footwear_leather', colour: 'red' } },
      }),
    });
    assert.equal(res.status, 201);
    const { id } = await res.json();
    await freshLoad(page, `${srv.base}/#saved=${id}`);
    await waitForRoute(page, 'explore', { sectors: 'footwear_leather' });
    const notice = page.locator('.dk-notice-dropped');
    await notice.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await notice.innerText(), 'This view was saved by a newer version; not shown: the view “timeline”, colour.');
    assertCamera(await where(page), { z: '7.5', lon: '90.5', lat: '23.9' }, 'newer view');
    await page.locator('.guccho-lang button', { hasText: 'বাংলা' }).click();
    assert.equal(await notice.innerText(), 'এই ভিউটি নতুন সংস্করণে সংরক্ষিত; দেখানো হয়নি: ভিউ “timeline”, colour।');
    await shot(page, 'decks-dropped.png');
    await page.locator('.guccho-lang button', { hasText: 'English' }).click();
  });

  step('an unknown deck id says there is no such deck', async () => {
    await freshLoad(page, `${srv.base}/#deck=d-nosuchdeck&slide=1`);
    const notice = page.locator('.dk-notice-error');
    await notice.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await notice.innerText(), 'There is no deck “d-nosuchdeck” on this server.');
    const res = await fetch(srv.base + '/api/decks/d-nosuchdeck');
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, 'not_found');
    await shot(page, 'decks-unknown.png');
  });

  step('the browser console has no errors but the expected 404', async () => {
    const unexpected = consoleErrors.filter((e) => !/status of 404/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
