// End-to-end test of the web map against the real binary:
//
//   GUCCHO_BIN=../bin/guccho GUCCHO_BOUNDARIES=<dir with boundaries/> npm run e2e
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
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = resolve(here, '..');
const artifacts = join(here, 'artifacts');
const bin = resolve(staticDir, process.env.GUCCHO_BIN || '../bin/guccho');
const boundaries = process.env.GUCCHO_BOUNDARIES || resolve(staticDir, '../../shared/data/bd');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HEALTH_TIMEOUT_MS = 90_000;
const IDLE_TIMEOUT_MS = 45_000;

/** A port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts the server and resolves once GET /healthz answers 200. */
async function startServer(state) {
  assert.ok(existsSync(bin), `no server binary at ${bin} (build it, or set GUCCHO_BIN)`);
  assert.ok(existsSync(join(boundaries, 'boundaries')), `no boundaries/ in ${boundaries} (set GUCCHO_BOUNDARIES)`);
  const port = await freePort();
  state.base = `http://127.0.0.1:${port}`;
  state.dbDir = mkdtempSync(join(tmpdir(), 'guccho-e2e-db-'));
  // GUCCHO_PG_URL (set by `go run ./internal/pgtest/withpg`) runs the same test on the PostGIS store.
  const db = process.env.GUCCHO_PG_URL || join(state.dbDir, 'guccho.db');
  const args = ['serve', '--addr', `127.0.0.1:${port}`, '--db', db, '--boundaries', boundaries, '--demo'];
  console.log(`# starting ${bin} ${args.join(' ')}`);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  state.server = child;
  state.serverLog = [];
  const keep = (chunk) => state.serverLog.push(chunk.toString());
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  state.serverExited = exited;

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  const started = Date.now();
  while (Date.now() < deadline) {
    const gone = await Promise.race([exited, sleep(0).then(() => null)]);
    if (gone) throw new Error(`server exited early (code ${gone.code}, signal ${gone.signal})`);
    try {
      const res = await fetch(`${state.base}/healthz`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) {
        console.log(`# server healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`GET /healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

async function stopServer(state) {
  const child = state.server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const done = await Promise.race([state.serverExited, sleep(5000).then(() => null)]);
  if (!done) {
    child.kill('SIGKILL');
    await state.serverExited;
  }
}

async function getJSON(state, path) {
  const res = await fetch(state.base + path);
  assert.equal(res.status, 200, `GET ${path}`);
  return res.json();
}

/** Waits until the map has loaded, stopped moving and drawn its tiles. */
async function waitIdle(page) {
  await page.waitForFunction(() => Boolean(window.__guccho?.map), null, { timeout: IDLE_TIMEOUT_MS });
  await page.evaluate(
    (timeout) =>
      new Promise((resolveIdle, reject) => {
        const map = window.__guccho.map;
        const timer = setTimeout(() => reject(new Error('map never became idle')), timeout);
        const check = () => {
          if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) {
            clearTimeout(timer);
            resolveIdle();
          } else {
            map.once('idle', check);
          }
        };
        // A frame first, so camera moves started just before count as moving.
        requestAnimationFrame(check);
      }),
    IDLE_TIMEOUT_MS,
  );
}

async function shot(page, name) {
  const file = join(artifacts, name);
  await page.screenshot({ path: file });
  console.log(`# screenshot ${file}`);
}

/**
 * A page point inside the unit pcode (on layer) with no enterprise drawn over
 * it, searched outwards from lonLat: with the demo survey loaded, cells cover
 * many label points, and a unit is picked between them.
 */
async function freePoint(page, lonLat, layer, pcode) {
  const p = await page.evaluate(
    ([ll, layer, pcode]) => {
      const map = window.__guccho.map;
      const box = map.getCanvas().getBoundingClientRect();
      const c = map.project(ll);
      const enterprise = ['enterprises-cells', 'enterprises-points'].filter((id) => map.getLayer(id));
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

/** The admin token the server prints on a first start ("admin token: <token>"). */
function adminToken(state) {
  const m = state.serverLog.join('').match(/admin token: (\S+)/);
  return m ? m[1] : null;
}

/** Properties of the rendered features of an enterprise layer. */
const rendered = (page, layer) =>
  page.evaluate((id) => window.__guccho.map.queryRenderedFeatures({ layers: [id] }).map((f) => ({ id: f.id, ...f.properties })), layer);

/** The Bhairab footwear cluster (Kishoreganj). */
const BHAIRAB = [90.99, 24.05];
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
      if (state.serverLog?.length) console.log(`# server output:\n${state.serverLog.join('')}`);
    }
  });

  async function setup() {
    mkdirSync(artifacts, { recursive: true });
    await startServer(state);
    state.profileDir = mkdtempSync(join(tmpdir(), 'guccho-e2e-chromium-'));
    context = await chromium.launchPersistentContext(state.profileDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-gl=angle',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        consoleErrors.push(msg.text());
        console.log(`# browser console error: ${msg.text()}`);
      }
    });
    page.on('pageerror', (err) => {
      consoleErrors.push(String(err));
      console.log(`# page error: ${err}`);
    });
  }

  after(async () => {
    try {
      await context?.close();
    } catch (err) {
      console.log(`# closing the browser: ${err}`);
    }
    await stopServer(state);
    if (state.serverLog) writeFileSync(join(artifacts, 'server.log'), state.serverLog.join(''));
    for (const dir of [state.profileDir, state.dbDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    if (consoleErrors.length) console.log(`# ${consoleErrors.length} browser console error(s), see above`);
  });

  step('serves the app, the config and the admin TileJSON', async () => {
    const res = await fetch(state.base + '/');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<div id="app">/);
    const tj = await getJSON(state, '/tiles/districts.json');
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
    const dhaka = await getJSON(state, '/api/admin/BD3026');
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
    const { sectors } = await getJSON(state, '/api/sectors');
    assert.ok(sectors.some((s) => s.code === 'footwear_leather' && s.name_bn), 'the catalogue has footwear with a Bangla name');
    const stats = await getJSON(state, '/api/enterprises/stats');
    assert.equal(stats.total, 5457, 'the demo survey holds 5,457 enterprises');
    assert.ok(stats.synthetic > 0, 'the demo records are marked synthetic');
    const tj = await getJSON(state, '/tiles/enterprises.json');
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
    const token = adminToken(state);
    assert.ok(token, 'the server printed "admin token: …" on its first start');
    await page.locator('.guccho-account-signin').click();
    await page.locator('#guccho-token').fill(token);
    await page.locator('.guccho-signin-submit').click();
    await page.locator('.guccho-account-who').waitFor({ state: 'visible', timeout: 10_000 });
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
});
