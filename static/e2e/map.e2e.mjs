// End-to-end test of the web map against the real binary:
//
//   GUCCHO_BIN=../bin/guccho npm run e2e
//
// With GUCCHO_PG_URL=postgres://… the server runs on that (empty) PostGIS
// database instead of a fresh SQLite file.
//
// It starts `guccho serve --demo` on a free port with a fresh database (the
// synthetic demo survey loaded), drives Debian's Chromium (CHROMIUM_PATH,
// default /usr/bin/chromium) through playwright-core, and leaves screenshots
// and the server log in e2e/artifacts/. Server and browser are stopped
// whatever happens.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  artifacts,
  BHAIRAB,
  editorToken,
  getJSON,
  launchPersistent,
  rendered,
  shot,
  sleep,
  signIn,
  startServer,
  stopServer,
  waitIdle,
  watchConsole,
} from './harness.mjs';

/**
 * A page point inside the unit pcode (on layer) with no enterprise (or service
 * centre) drawn over it, searched outwards from lonLat: with the demo survey loaded, cells cover
 * many label points, and a unit is picked between them.
 */
async function freePoint(page, lonLat, layer, pcode) {
  const p = await page.evaluate(
    ([ll, layer, pcode]) => {
      const map = window.__guccho.map;
      const box = map.getCanvas().getBoundingClientRect();
      const c = map.project(ll);
      const enterprise = ['enterprises-cells', 'enterprises-points', 'clusters-centres'].filter((id) => map.getLayer(id));
      for (let r = 0; r <= 120; r += 6) {
        for (let a = 0; a < 360; a += r ? 15 : 360) {
          const x = c.x + r * Math.cos((a * Math.PI) / 180);
          const y = c.y + r * Math.sin((a * Math.PI) / 180);
          const units = map.queryRenderedFeatures([x, y], { layers: [layer] }).map((f) => f.properties.pcode);
          if (units.length !== 1 || units[0] !== pcode) continue;
          if (enterprise.length && map.queryRenderedFeatures([x, y], { layers: enterprise }).length) continue;
          return { x: box.left + x, y: box.top + y, cx: x, cy: y };
        }
      }
      return null;
    },
    [lonLat, layer, pcode],
  );
  assert.ok(p, `a point of ${pcode} free of enterprise symbols near ${lonLat}`);
  return p;
}

const panelText = (page) => page.locator('#unit-panel').innerText();
const hashSel = (page) => page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('sel'));

describe('guccho web map', () => {
  const state = {};
  let context;
  let page;
  const consoleErrors = [];

  // A failed start fails every test by name (a failing hook alone is counted
  // as no test at all by node's runner).
  let setupError;
  const step = (name, fn) =>
    it(name, async () => {
      if (setupError) throw new Error(`setup failed: ${setupError.message}`);
      await fn();
    });
  // Steps on the demo survey (the server starts with --demo).
  const demoStep = step;

  before(async () => {
    try {
      await setup();
    } catch (err) {
      setupError = err;
      if (state.server?.log?.length) console.log(`# server output:\n${state.server.log.join('')}`);
    }
  });

  async function setup() {
    mkdirSync(artifacts, { recursive: true });
    state.server = await startServer({ demo: true });
    state.base = state.server.base;
    state.dbDir = state.server.dbDir;
    state.profileDir = mkdtempSync(join(tmpdir(), 'guccho-e2e-chromium-'));
    context = await launchPersistent(state.profileDir);
    page = context.pages()[0] ?? (await context.newPage());
    watchConsole(page, consoleErrors);
  }

  after(async () => {
    try {
      await context?.close();
    } catch (err) {
      console.log(`# closing the browser: ${err}`);
    }
    await stopServer(state.server);
    if (state.server?.log) writeFileSync(join(artifacts, 'server.log'), state.server.log.join(''));
    for (const dir of [state.profileDir, state.dbDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    if (consoleErrors.length) console.log(`# ${consoleErrors.length} browser console error(s), see above`);
  });

  step('serves the app, the config and the admin TileJSON', async () => {
    const res = await fetch(state.base + '/');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<div id="app">/);
    const tj = await getJSON(state.server, '/tiles/districts.json');
    assert.ok(Array.isArray(tj.tiles) && tj.tiles[0].startsWith('http'), 'TileJSON tiles is an absolute URL template');
    assert.ok(tj.vector_layers.some((l) => l.id === 'districts'), 'TileJSON names the districts source-layer');
  });

  step('shows all of Bangladesh when the URL names no view', async () => {
    await page.goto(`${state.base}/`);
    await waitIdle(page);
    const divisions = await page.evaluate(() => {
      const pcodes = window.__guccho.map.queryRenderedFeatures({ layers: ['divisions-fill'] }).map((f) => f.properties.pcode);
      return [...new Set(pcodes)].sort();
    });
    assert.deepEqual(divisions, ['BD10', 'BD20', 'BD30', 'BD40', 'BD45', 'BD50', 'BD55', 'BD60']);
    await shot(page, '00-overview.png');
  });

  step('renders Dhaka district at a view over Dhaka', async () => {
    await page.goto('about:blank');
    await page.goto(`${state.base}/#z=7&lon=90.3&lat=23.8`);
    await waitIdle(page);
    const found = await page.evaluate(
      () =>
        window.__guccho.map
          .queryRenderedFeatures({ layers: ['districts-fill'] })
          .filter((f) => f.properties.pcode === 'BD3026').length,
    );
    assert.ok(found > 0, 'BD3026 among rendered districts-fill features');
  });

  step('names the unit under the pointer and opens its panel on click', async () => {
    const dhaka = await getJSON(state.server, '/api/admin/BD3026');
    const p = await freePoint(page, dhaka.label, 'districts-fill', 'BD3026');
    await page.mouse.move(p.x, p.y);
    await page.locator('.map-tooltip').filter({ hasText: 'Dhaka' }).waitFor({ state: 'visible', timeout: 10_000 });
    await page.mouse.click(p.x, p.y);
    await page.locator('#unit-panel .unit-panel-title').filter({ hasText: 'Dhaka' }).waitFor({ timeout: 15_000 });
    const text = await panelText(page);
    assert.ok(text.includes('ঢাকা'), `panel shows the Bangla name; got:\n${text}`);
    assert.equal(await hashSel(page), 'BD3026');
    const selected = await page.evaluate(
      (id) => window.__guccho.map.getFeatureState({ source: 'districts', sourceLayer: 'districts', id }),
      dhaka.feature_id,
    );
    assert.equal(selected.selected, true, 'Dhaka district has feature-state selected');
    await waitIdle(page);
    await shot(page, '01-dhaka-panel.png');
  });

  step('switches the interface between English and Bangla', async () => {
    const input = page.locator('.guccho-search-input');
    const english = await input.getAttribute('placeholder');
    await page.locator('.guccho-lang button[data-lang="bn"]').click();
    const bangla = await input.getAttribute('placeholder');
    assert.notEqual(bangla, english);
    assert.match(bangla, /[\u0980-\u09FF]/, 'placeholder is in Bangla script');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'bn');
    assert.equal(await page.evaluate(() => localStorage.getItem('guccho.lang')), 'bn');
    assert.ok((await panelText(page)).includes('জেলা'), 'panel level reads জেলা');
    await shot(page, '02-bangla.png');
    await page.locator('.guccho-lang button[data-lang="en"]').click();
    assert.equal(await input.getAttribute('placeholder'), english);
  });

  step('finds Chattogram, flies there and opens its panel', async () => {
    const input = page.locator('.guccho-search-input');
    await input.click();
    await input.fill('Chattogram');
    const first = page.locator('#search-results [role="option"]').first();
    await first.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await first.innerText(), /Chattogram/);
    await shot(page, '03-search.png');
    await first.click();
    await page.waitForFunction(() => location.hash.includes('sel=BD20'), null, { timeout: 15_000 });
    await page.locator('#unit-panel .unit-panel-title').filter({ hasText: 'Chattogram' }).waitFor({ timeout: 15_000 });
    await waitIdle(page);
    assert.equal(await hashSel(page), 'BD20');
    const text = await panelText(page);
    assert.ok(text.includes('Chattogram') && text.includes('চট্টগ্রাম'), `panel names Chattogram in both scripts; got:\n${text}`);
    const view = await page.evaluate(() => {
      const map = window.__guccho.map;
      return { inView: map.getBounds().contains([91.8, 22.35]), selected: map.getFeatureState({ source: 'divisions', sourceLayer: 'divisions', id: 100000020 }).selected };
    });
    assert.ok(view.inView, 'the map shows Chattogram city');
    assert.equal(view.selected, true, 'Chattogram division has feature-state selected');
    await shot(page, '04-chattogram.png');
  });

  step('restores the view from the URL hash and closes the panel with Escape', async () => {
    // A fresh load, not a hash change within the loaded page.
    await page.goto('about:blank');
    await page.goto(`${state.base}/#z=9.5&lon=91.82&lat=22.36&sel=BD2015`);
    await page.locator('#unit-panel .unit-panel-title').waitFor({ timeout: 15_000 });
    await waitIdle(page);
    const zoom = await page.evaluate(() => window.__guccho.map.getZoom());
    assert.ok(Math.abs(zoom - 9.5) < 0.01, `zoom restored; got ${zoom}`);
    assert.match(await panelText(page), /Chattogram|Chittagong/);
    await shot(page, '05-restored.png');
    await page.keyboard.press('Escape');
    await page.locator('#unit-panel').waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal(await hashSel(page), null);
  });

  demoStep('serves the sector catalogue, the demo counts and the enterprises TileJSON', async () => {
    const { sectors } = await getJSON(state.server, '/api/sectors');
    assert.ok(sectors.some((s) => s.code === 'footwear_leather' && s.name_bn), 'the catalogue has footwear with a Bangla name');
    const stats = await getJSON(state.server, '/api/enterprises/stats');
    assert.equal(stats.total, 5457, 'the demo survey holds 5,457 enterprises');
    assert.ok(stats.synthetic > 0, 'the demo records are marked synthetic');
    const tj = await getJSON(state.server, '/tiles/enterprises.json');
    assert.ok(tj.vector_layers.some((l) => l.id === 'enterprises'), 'TileJSON names the enterprises source-layer');
  });

  demoStep('draws enterprise cells at Bhairab, with the synthetic banner and the legend', async () => {
    if (!page.url().startsWith(state.base)) await page.goto(`${state.base}/`);
    // The language is remembered; these steps read English whatever ran before.
    await page.evaluate(() => localStorage.setItem('guccho.lang', 'en'));
    await page.goto(`${state.base}/#z=8&lon=${BHAIRAB[0]}&lat=${BHAIRAB[1]}`);
    await waitIdle(page);
    const banner = page.locator('.synthetic-banner');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await banner.innerText(), /Synthetic demo data/);
    const cells = await rendered(page, 'enterprises-cells');
    assert.ok(cells.length > 0, 'cells are drawn at z8');
    assert.ok(cells.every((c) => c.kind === 'cell' && c.count > 0), 'every cell has a count');
    assert.ok(cells.some((c) => c.sector === 'footwear_leather'), 'a footwear cell near Bhairab');
    const footwear = page.locator('.sector-row[data-sector="footwear_leather"]');
    assert.match(await footwear.innerText(), /Footwear and leather\s*[\d,]+/);
    await shot(page, '06-bhairab-cells.png');
    // The tooltip gives a cell's count in HTML.
    const big = cells.sort((a, b) => b.count - a.count)[0];
    const at = await page.evaluate((id) => {
      const map = window.__guccho.map;
      const f = map.queryRenderedFeatures({ layers: ['enterprises-cells'] }).find((x) => x.id === id);
      return f && map.project(f.geometry.coordinates);
    }, big.id);
    if (at) {
      const box = await page.evaluate(() => window.__guccho.map.getCanvas().getBoundingClientRect().toJSON());
      await page.mouse.move(box.left + at.x, box.top + at.y);
      await page.locator('.map-tooltip').filter({ hasText: /enterprises?/ }).waitFor({ state: 'visible', timeout: 5000 });
      await shot(page, '07-cell-tooltip.png');
    }
  });

  demoStep('draws points at z13 and opens a popup that says the data are synthetic', async () => {
    await page.goto('about:blank');
    await page.goto(`${state.base}/#z=13&lon=${BHAIRAB[0]}&lat=${BHAIRAB[1]}`);
    await waitIdle(page);
    const points = await rendered(page, 'enterprises-points');
    assert.ok(points.length > 0, 'points are drawn at z13');
    assert.ok(points.every((p) => p.kind === 'point' && p.id), 'every point has an enterprise id');
    // The point nearest the centre, clear of the panels at the edges.
    const target = await page.evaluate(() => {
      const map = window.__guccho.map;
      const box = map.getCanvas().getBoundingClientRect();
      const c = { x: box.width / 2, y: box.height / 2 };
      let best = null;
      for (const f of map.queryRenderedFeatures({ layers: ['enterprises-points'] })) {
        const p = map.project(f.geometry.coordinates);
        const d = Math.hypot(p.x - c.x, p.y - c.y);
        if (!best || d < best.d) best = { d, x: box.left + p.x, y: box.top + p.y, id: f.properties.id };
      }
      return best;
    });
    await page.mouse.click(target.x, target.y);
    const popup = page.locator('.guccho-popup .ent-popup');
    await popup.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await popup.getAttribute('data-id'), String(target.id));
    assert.match(await popup.locator('.synthetic-badge').innerText(), /Synthetic demo data/);
    assert.match(await popup.locator('.ent-placement').innerText(), /surveyed/);
    await waitIdle(page);
    await shot(page, '08-point-popup.png');
    await page.locator('.guccho-lang button[data-lang="bn"]').click();
    assert.equal(await popup.locator('.synthetic-badge').innerText(), 'কৃত্রিম ডেমো ডেটা');
    assert.match(await page.locator('.synthetic-banner').innerText(), /কৃত্রিম ডেমো ডেটা/);
    await shot(page, '08b-point-popup-bangla.png');
    await page.locator('.guccho-lang button[data-lang="en"]').click();
    await page.keyboard.press('Escape');
    await popup.waitFor({ state: 'detached', timeout: 5000 });
  });

  demoStep('hides a sector switched off in the legend, and keeps the choice in the URL', async () => {
    const before = await rendered(page, 'enterprises-points');
    assert.ok(before.some((p) => p.sector === 'footwear_leather'), 'footwear points are drawn at first');
    await page.locator('.sector-row[data-sector="footwear_leather"] input').uncheck();
    await page.waitForFunction(() => /sectors=[^&]*/.test(location.hash), null, { timeout: 5000 });
    await waitIdle(page);
    const after = await rendered(page, 'enterprises-points');
    assert.equal(after.filter((p) => p.sector === 'footwear_leather').length, 0, 'no footwear point after switching footwear off');
    const sectors = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('sectors'));
    assert.ok(!sectors.split(',').includes('footwear_leather') && sectors.includes('dairy'), `hash sectors=${sectors}`);
    await shot(page, '09-footwear-off.png');
    await page.locator('.guccho-sectors-actions button').first().click();
    await waitIdle(page);
    assert.equal(await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('sectors')), null);
  });

  demoStep('signs in with the admin token and imports a small survey', async () => {
    await signIn(page, await editorToken(state.server));
    assert.match(await page.locator('.guccho-account-who').innerText(), /Administrator/);
    assert.equal(await page.evaluate(() => location.href.includes('token')), false, 'no token in the URL');

    const csv = join(state.dbDir, 'e2e-survey.csv');
    writeFileSync(
      csv,
      [
        'id,name,sector,district,upazila,latitude,longitude',
        'E2E-1,Meghna Dairy,dairy,Kishoreganj,Bhairab,24.0512,90.9781',
        'E2E-2,Bhairab Sandal House,footwear_leather,Kishoreganj,Bhairab,,',
        'E2E-3,Orbit Rockets,spaceships,Kishoreganj,Bhairab,,',
      ].join('\n') + '\n',
    );
    await page.locator('.guccho-account-import').click();
    await page.locator('#import-dialog').waitFor({ state: 'visible', timeout: 5000 });
    await page.setInputFiles('#import-file', csv);
    await page.locator('.import-start').click();
    await page.locator('.import-status').waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await page.locator('.import-status').innerText(), /Import finished/);
    assert.equal(await page.locator('[data-count="created"] dd').innerText(), '2');
    assert.equal(await page.locator('[data-count="failed"] dd').innerText(), '1');
    const link = page.locator('a.import-failures');
    await link.waitFor({ state: 'visible' });
    await shot(page, '10-import-report.png');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), link.click()]);
    const saved = join(state.dbDir, 'failed-rows.csv');
    await download.saveAs(saved);
    assert.match(readFileSync(saved, 'utf8'), /spaceships/, 'the failed rows name the unknown sector');
    await page.keyboard.press('Escape');
    await page.locator('#import-dialog').waitFor({ state: 'hidden', timeout: 5000 });
  });
  step('in Bangla, a unit that cannot be loaded is explained without the server’s English', async () => {
    await page.locator('.guccho-lang button[data-lang="bn"]').click();
    await page.evaluate(() => {
      location.hash = '#z=7&lon=90.3&lat=23.8&sel=BD99';
    });
    const status = page.locator('#unit-panel .unit-panel-status.error');
    await status.waitFor({ state: 'visible', timeout: 10_000 });
    const bn = await status.innerText();
    assert.match(bn, /এই একক লোড করা যায়নি/);
    assert.doesNotMatch(bn, /[A-Za-z]/, `the Bangla panel shows English: ${bn}`);
    await shot(page, '11-unit-error-bangla.png');
    await page.locator('.guccho-lang button[data-lang="en"]').click();
    assert.match(await status.innerText(), /^Could not load this unit: .*BD99/);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !new URLSearchParams(location.hash.slice(1)).get('sel'), null, { timeout: 5000 });
  });

  step('switching to another view and back leaves the map and page as they were', async () => {
    // A test-only view, registered at run time as a real one would be.
    await page.evaluate(() => {
      window.__guccho.views.register('e2e-blank', async () => ({
        createView: () => ({
          params: [],
          mount(ctx) {
            ctx.layers.addSource('e2e-blank', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
            ctx.layers.addLayer('analysis', { id: 'e2e-blank-fill', type: 'fill', source: 'e2e-blank' });
            ctx.layers.listen('click', () => {});
          },
          unmount() {},
        }),
      }));
      // Listeners by event type, e.g. { click: 3, moveend: 2 }.
      const count = (listeners) => Object.fromEntries(Object.entries(listeners ?? {}).filter(([, fns]) => fns.length).map(([type, fns]) => [type, fns.length]).sort());
      window.__e2eViewState = () => {
        const map = window.__guccho.map;
        const style = map.getStyle();
        return {
          view: window.__guccho.view,
          layers: style.layers.map((l) => l.id),
          sources: Object.keys(style.sources).sort(),
          mapListeners: count(map._listeners),
          mapOnceListeners: count(map._oneTimeListeners),
          controls: document.querySelectorAll('.maplibregl-ctrl').length,
          panels: document.querySelectorAll('#unit-panel, .synthetic-banner, .edit-hint').length,
        };
      };
    });
    const total = (byType) => Object.values(byType).reduce((n, c) => n + c, 0);
    const viewState = () => page.evaluate(() => window.__e2eViewState());
    /** The state once it has stopped changing (a view finishes mounting after its fetches). */
    const stable = async () => {
      let last = '';
      for (let same = 0, tries = 0; same < 3 && tries < 60; tries++) {
        await sleep(300);
        const now = JSON.stringify(await viewState());
        same = now === last ? same + 1 : 0;
        last = now;
      }
      return JSON.parse(last);
    };
    const toBlank = async () => {
      await page.evaluate(() => {
        location.hash = '#view=e2e-blank&' + location.hash.slice(1);
      });
      await page.waitForFunction(() => window.__guccho.view === 'e2e-blank', null, { timeout: 10_000 });
      return stable();
    };
    const toExplore = async () => {
      await page.evaluate(() => history.back());
      await page.waitForFunction(() => window.__guccho.view === 'explore' && window.__guccho.map.getLayer('enterprises-points'), null, { timeout: 15_000 });
      await waitIdle(page);
      return stable();
    };
    await waitIdle(page);
    const used = await viewState();
    assert.equal(used.view, 'explore');
    for (const id of ['divisions-fill', 'unions-line', 'enterprises-points']) assert.ok(used.layers.includes(id), `explore draws ${id}`);

    // The first switch leaves explore after all the steps above used it.
    const blank = await toBlank();
    console.log(`# other view: map listeners ${JSON.stringify(blank.mapListeners)}`);
    const explores = blank.layers.filter((id) => /^(divisions|districts|upazilas|unions|enterprises)-/.test(id));
    assert.deepEqual(explores, [], 'no explore layer is left in the other view');
    assert.ok(blank.layers.includes('e2e-blank-fill'));
    assert.deepEqual(
      blank.sources.filter((id) => id !== 'e2e-blank'),
      used.sources.filter((id) => !/^(divisions|districts|upazilas|unions|enterprises)$/.test(id)),
    );
    assert.equal(blank.panels, 0, 'no explore panel, banner or hint is left');
    assert.equal(await page.locator('.guccho-search, .guccho-sectors, .guccho-live, .import-backdrop, .guccho-popup').count(), 0, 'no explore control or popup is left');
    assert.ok(total(blank.mapListeners) < total(used.mapListeners), `map listeners ${JSON.stringify(blank.mapListeners)}, fewer than explore's`);
    await shot(page, '12-other-view.png');
    const base = await toExplore();
    console.log(`# explore mounted afresh: ${base.layers.length} layers, map listeners ${JSON.stringify(base.mapListeners)}, ${base.controls} controls`);
    assert.deepEqual(base.layers, used.layers, 'explore draws the same layers in the same order');

    // Back and forth again: each side returns to exactly the same state.
    for (let round = 1; round <= 2; round++) {
      assert.deepEqual(await toBlank(), blank, `round ${round}: the other view finds the map as the first time`);
      assert.deepEqual(await toExplore(), base, `round ${round}: back in explore, the map holds what it held before`);
    }
    await waitIdle(page);
    assert.ok((await rendered(page, 'divisions-fill')).length > 0, 'explore draws again');
  });
  demoStep('the clusters view: LQ and hot spots at Bhairab, a profile, and back to explore without a trace', async () => {
    const BHAIRAB_UPAZILA = 'BD304811';
    const ASHUGANJ_UPAZILA = 'BD201233'; // Bhairab's neighbour across the Meghna
    const [lon, lat] = BHAIRAB;
    // A link to the view (same document after the steps above, a fresh load when run alone).
    await page.goto(`${state.base}/#view=clusters&sector=footwear_leather&mode=lq&level=upazila&z=8.2&lon=${lon}&lat=${lat}`);
    await page.waitForFunction(() => window.__guccho?.view === 'clusters' && window.__guccho.map.getLayer('clusters-choropleth-upazila'), null, { timeout: 30_000 });
    await page.evaluate(() => window.__guccho.i18n.setLang('en'));
    const ready = () => page.evaluate(() => window.__guccho.current.ready);
    await ready();
    await waitIdle(page);
    const classOf = (pcode) => page.evaluate((p) => window.__guccho.current.classes.get(p)?.id ?? null, pcode);

    // The LQ choropleth: Bhairab's upazila is drawn, in the top class (LQ ≥ 2).
    const drawn = await rendered(page, 'clusters-choropleth-upazila');
    assert.ok(drawn.some((f) => f.pcode === BHAIRAB_UPAZILA), 'Bhairab upazila is drawn on the choropleth');
    assert.equal(await classOf(BHAIRAB_UPAZILA), 'lq-4');
    const lqServer = (await getJSON(state.server, '/api/stats/lq?sector=footwear_leather&level=upazila')).units.find((u) => u.pcode === BHAIRAB_UPAZILA).lq;
    assert.ok(lqServer >= 2, `the server's LQ for Bhairab is ${lqServer}`);
    const fill = await page.evaluate(() => window.__guccho.map.getPaintProperty('clusters-choropleth-upazila', 'fill-color'));
    const arm = fill.findIndex((v) => Array.isArray(v) && v.includes(BHAIRAB_UPAZILA));
    assert.equal(fill[arm + 1], '#045a8d', 'Bhairab is painted in the top LQ colour');
    assert.match(await page.locator('.cl-legend').innerText(), /2 and above/);
    assert.match(await page.locator('.cl-status').innerText(), /units/);
    const csv = await page.locator('.cl-export[data-format="csv"]').getAttribute('href');
    assert.match(csv, /^\/api\/stats\/lq\?sector=footwear_leather&measure=count&level=upazila&format=csv$/);
    /** Every export link of the panel answers 200 with a file, as the browser would download it. */
    const downloads = async () => {
      for (const a of await page.locator('.cl-export').all()) {
        const href = await a.getAttribute('href');
        const res = await fetch(state.base + href);
        assert.equal(res.status, 200, `GET ${href}`);
        assert.ok((await res.arrayBuffer()).byteLength > 100, `${href} sends a file`);
      }
    };
    await downloads();
    await shot(page, '13-clusters-lq.png');

    // Service centres: circles, and a popup with both names on a click.
    const centres = await getJSON(state.server, '/api/centres?sector=footwear_leather');
    const centre = centres.features.find((f) => f.properties.adm3_pcode === BHAIRAB_UPAZILA);
    assert.ok(centre, 'the demo has a footwear centre in Bhairab');
    assert.ok((await rendered(page, 'clusters-centres')).some((f) => f.id === centre.properties.id), 'the centre is drawn');
    const cp = await page.evaluate((ll) => {
      const map = window.__guccho.map;
      const box = map.getCanvas().getBoundingClientRect();
      const p = map.project(ll);
      return { x: box.left + p.x, y: box.top + p.y };
    }, centre.geometry.coordinates);
    await page.mouse.click(cp.x, cp.y);
    await page.locator('.cl-centre').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await page.locator('.cl-centre h3').innerText(), centre.properties.name_en);
    assert.equal(await page.locator('.cl-centre-alt').innerText(), centre.properties.name_bn);
    await page.locator('.maplibregl-popup-close-button').click();

    // Hot spots (Gi*), chosen in the parameter panel: the mode goes into the hash.
    await page.locator('.cl-panel select[name="mode"]').selectOption('hotspots');
    await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('mode') === 'hotspots', null, { timeout: 5000 });
    await ready();
    await waitIdle(page);
    const near = await page.evaluate((ids) => Object.fromEntries(ids.map((p) => [p, window.__guccho.current.classes.get(p)?.id ?? null])), [BHAIRAB_UPAZILA, ASHUGANJ_UPAZILA]);
    assert.ok(Object.values(near).some((c) => /^hot-(99|95)$/.test(c ?? '')), `a significant hot spot at or beside Bhairab: ${JSON.stringify(near)}`);
    assert.match(await page.locator('.cl-legend').innerText(), /Hot spot, 99 % confidence/);
    await shot(page, '14-clusters-hotspots.png');

    // A click on Bhairab opens its profile; its numbers are the server's.
    const at = await freePoint(page, BHAIRAB, 'clusters-choropleth-upazila', BHAIRAB_UPAZILA);
    await page.mouse.click(at.x, at.y);
    const prof = page.locator('.cl-profile');
    await prof.locator('.cl-profile-title').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await prof.locator('.cl-profile-title').innerText(), 'Bhairab');
    const expected = await getJSON(state.server, `/api/profile/${BHAIRAB_UPAZILA}`);
    const fmt = (n) => new Intl.NumberFormat('en-GB').format(n);
    assert.equal(await prof.locator('[data-fact="enterprises"]').innerText(), fmt(expected.enterprises));
    assert.equal(await prof.locator('[data-fact="jobs"]').innerText(), fmt(expected.jobs));
    const footwear = expected.sectors.find((x) => x.sector === 'footwear_leather');
    assert.equal(await prof.locator('tr[data-sector="footwear_leather"] td').nth(1).innerText(), fmt(footwear.enterprises));
    assert.equal(await hashSel(page), BHAIRAB_UPAZILA);
    assert.equal(
      await prof.locator('[data-fact="nearest_centre"]').innerText(),
      `${expected.nearest_centre.name_en} (${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format(expected.nearest_centre.distance_m / 1000)} km)`,
    );
    // In Bangla the same profile has Bangla digits.
    await page.locator('.guccho-lang button[data-lang="bn"]').click();
    assert.equal(await prof.locator('[data-fact="enterprises"]').innerText(), new Intl.NumberFormat('bn-BD').format(expected.enterprises));
    await shot(page, '15-clusters-profile-bangla.png');
    await page.locator('.guccho-lang button[data-lang="en"]').click();

    // Point clusters (SMEF): Bhairab's cluster outlined, its member count as HTML, its profile on a click.
    const smef = await getJSON(state.server, '/api/clusters?sector=footwear_leather&method=smef');
    const bhairabCluster = smef.features.find((f) => f.properties.units.some((u) => u.pcode === BHAIRAB_UPAZILA));
    assert.ok(bhairabCluster, 'the server finds a SMEF cluster at Bhairab');
    await page.locator('.cl-panel select[name="mode"]').selectOption('clusters');
    await ready();
    await waitIdle(page);
    const count = page.locator(`.cl-count[data-id="${bhairabCluster.properties.id}"]`);
    assert.equal(await count.innerText(), fmt(bhairabCluster.properties.size));
    assert.ok((await rendered(page, 'clusters-outline-fill')).some((f) => f.id === bhairabCluster.properties.id), 'its outline is drawn');
    assert.deepEqual(await rendered(page, 'clusters-choropleth-upazila'), [], 'the choropleth is hidden');
    await count.click();
    await page.waitForFunction(() => document.querySelector('.cl-profile-title')?.textContent === 'Cluster at Bhairab', null, { timeout: 5000 });
    assert.equal(await prof.locator('[data-fact="enterprises"]').innerText(), fmt(bhairabCluster.properties.profile.enterprises));
    assert.equal(await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('cluster')), bhairabCluster.properties.id);
    await downloads();
    await shot(page, '16-clusters-smef.png');

    // The ranked potential clusters: Bhairab's cluster first; choosing it shows it as a point cluster.
    await page.locator('.cl-panel select[name="mode"]').selectOption('potential');
    await ready();
    const first = page.locator('.cl-potential-entry').first();
    assert.match(await first.innerText(), /Bhairab/);
    await first.click();
    await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('mode') === 'clusters', null, { timeout: 5000 });
    await ready();
    await page.waitForFunction(() => document.querySelector('.cl-profile-title')?.textContent === 'Cluster at Bhairab', null, { timeout: 5000 });

    // Back to explore with the view switch: nothing of the clusters view is left.
    await page.locator('.guccho-views button[data-view="explore"]').click();
    await page.waitForFunction(() => window.__guccho.view === 'explore' && window.__guccho.map.getLayer('enterprises-points'), null, { timeout: 15_000 });
    await waitIdle(page);
    const style = await page.evaluate(() => {
      const s = window.__guccho.map.getStyle();
      return { layers: s.layers.map((l) => l.id), sources: Object.keys(s.sources) };
    });
    assert.deepEqual(style.layers.filter((id) => id.startsWith('clusters-')), [], 'no clusters layer is left');
    assert.deepEqual(style.sources.filter((id) => id.startsWith('clusters-')), [], 'no clusters source is left');
    assert.equal(await page.locator('.cl-panel, .cl-profile, .cl-count, .cl-centre').count(), 0, 'no clusters panel, marker or popup is left');
    assert.equal(await page.locator('.guccho-views button[aria-pressed="true"]').getAttribute('data-view'), 'explore');

    // Explore's unit panel links to the unit's profile in the clusters view.
    await page.evaluate(() => window.__guccho.select('BD304811'));
    await page.locator('.unit-panel-profile').click();
    await page.waitForFunction(() => window.__guccho.view === 'clusters', null, { timeout: 15_000 });
    await prof.locator('[data-fact="enterprises"]').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await prof.locator('[data-fact="enterprises"]').innerText(), fmt(expected.enterprises));
    await page.evaluate(() => history.back());
    await page.waitForFunction(() => window.__guccho.view === 'explore' && window.__guccho.map.getLayer('enterprises-points'), null, { timeout: 15_000 });
  });
});
