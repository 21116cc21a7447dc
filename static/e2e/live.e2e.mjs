// End-to-end test of live updates: two browsers (separate contexts) on the
// map at Bhairab; A, signed in, adds an enterprise by clicking the map,
// moves it and deletes it; B, never reloaded, sees each change through the
// websocket. On PostGIS (GUCCHO_PG_URL) A and B talk to two server
// instances on the one database, so the change also crosses LISTEN/NOTIFY;
// on the embedded store both use one instance.
//
//   GUCCHO_BIN=../bin/guccho npm run e2e          (both files)
//   node --test e2e/live.e2e.mjs                   (this one)
//
// Screenshots and server logs go to e2e/artifacts/ (live-*.png, live-server-*.log).

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  artifacts,
  BHAIRAB,
  editorToken,
  getJSON,
  launchBrowser,
  pgURL,
  shot,
  signIn,
  startServer,
  stopServer,
  VIEWPORT,
  waitIdle,
  watchConsole,
} from './harness.mjs';

/** How long B may take to show a change (generous: SwiftShader is slow; the socket is not). */
const SEE_TIMEOUT_MS = 15_000;
const VIEW = `#z=14&lon=${BHAIRAB[0]}&lat=${BHAIRAB[1]}`;

/**
 * Polls page B until enterprise id is drawn (want "shown"), drawn within
 * 2e-4° of want (a [lon, lat]), or no longer drawn (want "gone"); logs and
 * resolves with how long that took.
 */
async function waitForPoint(page, id, want, what) {
  const started = Date.now();
  await page.waitForFunction(
    ([id, want]) => {
      const f = window.__guccho.map.queryRenderedFeatures({ layers: ['enterprises-points'] }).find((x) => x.properties.id === id);
      if (want === 'gone') return !f;
      if (!f) return false;
      if (want === 'shown') return true;
      const [lon, lat] = f.geometry.coordinates;
      return Math.abs(lon - want[0]) < 2e-4 && Math.abs(lat - want[1]) < 2e-4;
    },
    [id, want],
    { timeout: SEE_TIMEOUT_MS, polling: 100 },
  );
  const ms = Date.now() - started;
  console.log(`# B saw ${what} after ${ms} ms`);
  return ms;
}

/**
 * A page point near the map's centre, offset by (dx, dy), with no
 * enterprise drawn within 10 px: searched outwards.
 */
async function freeSpot(page, dx, dy) {
  const p = await page.evaluate(
    ([dx, dy]) => {
      const map = window.__guccho.map;
      const box = map.getCanvas().getBoundingClientRect();
      // Whole pixels: a click lands on a whole pixel, and half a pixel at z14 is more than the test allows.
      const cx = Math.round(box.width / 2 + dx);
      const cy = Math.round(box.height / 2 + dy);
      for (let r = 0; r <= 150; r += 10) {
        for (let a = 0; a < 360; a += r ? 20 : 360) {
          const x = cx + r * Math.cos((a * Math.PI) / 180);
          const y = cy + r * Math.sin((a * Math.PI) / 180);
          const hits = map.queryRenderedFeatures(
            [
              [x - 10, y - 10],
              [x + 10, y + 10],
            ],
            { layers: ['enterprises-points', 'enterprises-cells'] },
          );
          if (!hits.length) {
            const ll = map.unproject([x, y]);
            return { x: box.left + x, y: box.top + y, lngLat: [ll.lng, ll.lat] };
          }
        }
      }
      return null;
    },
    [dx, dy],
  );
  assert.ok(p, 'a spot free of enterprises near the map centre');
  return p;
}

describe('live updates between two maps', () => {
  const servers = [];
  let browser;
  let pageA;
  let pageB;
  let token;
  let id;
  let setupError;
  const consoleErrors = [];
  const name = `E2E Live Dairy ${Date.now().toString(36)}`;

  const step = (title, fn) =>
    it(title, async () => {
      if (setupError) throw new Error(`setup failed: ${setupError.message}`);
      await fn();
    });

  before(async () => {
    try {
      mkdirSync(artifacts, { recursive: true });
      const a = await startServer({ demo: true, name: 'server A' });
      servers.push(a);
      // On PostGIS a second instance on the same database, started once the
      // first is healthy (it has migrated and loaded the demo).
      const b = pgURL ? await startServer({ name: 'server B' }) : a;
      if (b !== a) servers.push(b);
      token = await editorToken(a);
      browser = await launchBrowser();
      const open = async (srv, label) => {
        const ctx = await browser.newContext({ viewport: VIEWPORT });
        const page = await ctx.newPage();
        watchConsole(page, consoleErrors, label);
        await page.goto(`${srv.base}/${VIEW}`);
        return page;
      };
      pageA = await open(a, 'A');
      pageB = await open(b, 'B');
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
      writeFileSync(join(artifacts, `live-server-${'AB'[i]}.log`), s.log.join(''));
      rmSync(s.dbDir, { recursive: true, force: true });
    }
    if (consoleErrors.length) console.log(`# ${consoleErrors.length} browser console error(s), see above`);
  });

  step('both maps are connected and say so', async () => {
    await Promise.all([waitIdle(pageA), waitIdle(pageB)]);
    for (const page of [pageA, pageB]) {
      const indicator = page.locator('.guccho-live');
      await page.locator('.guccho-live[data-status="connected"]').waitFor({ timeout: 15_000 });
      assert.equal(await indicator.innerText(), 'Connected');
      assert.equal(await indicator.getAttribute('aria-live'), 'polite');
    }
    // B must never reload: a reload would lose this mark.
    await pageB.evaluate(() => {
      window.__e2eNoReload = true;
    });
    await shot(pageB, 'live-00-connected.png');
  });

  step('A adds an enterprise by clicking the map, and B sees it appear', async () => {
    const { total } = await getJSON(servers[0], '/api/enterprises/stats');
    await signIn(pageA, token);
    await pageA.locator('.guccho-account-add').click();
    await pageA.locator('.edit-hint').waitFor({ state: 'visible', timeout: 5000 });
    const spot = await freeSpot(pageA, -120, 80);
    await pageA.mouse.click(spot.x, spot.y);
    const form = pageA.locator('.guccho-edit-popup form.ent-form');
    await form.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await pageA.locator('#unit-panel').isVisible(), false, 'the click placed the enterprise and picked no unit');
    // An empty name is refused in the form, without a request.
    await form.locator('.ent-form-save').click();
    assert.match(await form.locator('[data-field="name"] .ent-form-error').innerText(), /name/);
    await form.locator('[name="name"]').fill(name);
    await form.locator('[name="sector"]').selectOption('dairy');
    await form.locator('[name="self"]').fill('2');
    await form.locator('[name="wage"]').fill('3');
    await form.locator('[name="owner_gender"]').selectOption('female');
    await shot(pageA, 'live-01-add-form.png');
    await form.locator('.ent-form-save').click();
    const popup = pageA.locator('.guccho-popup .ent-popup');
    await popup.filter({ hasText: name }).waitFor({ state: 'visible', timeout: 10_000 });
    id = await popup.getAttribute('data-id');
    assert.ok(id, 'the saved enterprise has an id');
    const saved = await getJSON(servers[0], `/api/enterprises/${encodeURIComponent(id)}`);
    assert.ok(Math.abs(saved.gps[0] - spot.lngLat[0]) < 1e-5 && Math.abs(saved.gps[1] - spot.lngLat[1]) < 1e-5, 'saved at the clicked point');

    await waitForPoint(pageB, id, 'shown', 'the new enterprise');
    // The counts follow on both maps.
    const counted = `${(total + 1).toLocaleString('en')} enterprises`;
    for (const page of [pageA, pageB]) await page.locator('.guccho-sectors-total').filter({ hasText: counted }).waitFor({ timeout: 5000 });
    await waitIdle(pageB);
    await shot(pageB, 'live-02-b-sees-new.png');
    await waitIdle(pageA);
    await shot(pageA, 'live-02-a-saved.png');
  });

  step('A moves it, and B sees it at the new place', async () => {
    await pageA.locator('.guccho-popup .ent-actions .ent-move').click();
    await pageA.locator('.edit-hint').waitFor({ state: 'visible', timeout: 5000 });
    await waitIdle(pageA);
    const spot = await freeSpot(pageA, 140, -60);
    await pageA.mouse.click(spot.x, spot.y);
    const confirm = pageA.locator('.guccho-edit-popup .ent-move-confirm');
    await confirm.waitFor({ state: 'visible', timeout: 5000 });
    await shot(pageA, 'live-03-move-confirm.png');
    await confirm.click();
    await pageA.locator('.guccho-edit-popup').waitFor({ state: 'detached', timeout: 10_000 });
    const moved = await getJSON(servers[0], `/api/enterprises/${encodeURIComponent(id)}`);
    const [lon, lat] = moved.point;
    assert.ok(Math.abs(lon - spot.lngLat[0]) < 1e-5 && Math.abs(lat - spot.lngLat[1]) < 1e-5, 'moved to the clicked point');

    await waitForPoint(pageB, id, [lon, lat], 'the move');
    await waitIdle(pageB);
    await shot(pageB, 'live-03-b-sees-move.png');
  });

  step('A deletes it, and B sees it gone', async () => {
    const popup = pageA.locator('.guccho-popup .ent-popup');
    await popup.filter({ hasText: name }).waitFor({ state: 'visible', timeout: 10_000 });
    await pageA.locator('.guccho-popup .ent-actions .ent-delete').click();
    await pageA.locator('.guccho-popup .ent-delete-confirm').click();
    await popup.waitFor({ state: 'detached', timeout: 10_000 });
    const res = await fetch(`${servers[0].base}/api/enterprises/${encodeURIComponent(id)}`);
    assert.equal(res.status, 404, 'deleted on the server');

    await waitForPoint(pageB, id, 'gone', 'the deletion');
    await waitIdle(pageB);
    await shot(pageB, 'live-04-b-sees-delete.png');
  });

  step('an enterprise added inside a tile that B is still loading shows once that load ends', async () => {
    // B moves to a place it has not drawn; the z14 enterprise tile at its
    // centre is fetched from the server at once but handed to the map only
    // after the change has reached B (so refreshTiles finds it loading).
    const z = 14;
    const n = 2 ** z;
    const at = [BHAIRAB[0] + 0.25, BHAIRAB[1] - 0.1];
    const x = Math.floor(((at[0] + 180) / 360) * n);
    const rad = (at[1] * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
    const lon = ((x + 0.5) / n) * 360 - 180;
    const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + 0.5)) / n))) * 180) / Math.PI;
    let release;
    const released = new Promise((r) => (release = r));
    let fetched;
    const held = new Promise((r) => (fetched = r));
    let requests = 0;
    let created;
    const tilePath = new RegExp(`/tiles/enterprises/${z}/${x}/${y}\\.mvt`);
    await pageB.route(tilePath, async (route) => {
      if (++requests > 1) return route.continue();
      const response = await route.fetch(); // the tile as it is before the change
      fetched();
      await released;
      await route.fulfill({ response });
    });
    try {
      const before = await pageB.evaluate(() => window.__guccho.live.lastEventID);
      await pageB.evaluate(([lon, lat]) => window.__guccho.map.jumpTo({ center: [lon, lat], zoom: 14.2 }), [lon, lat]);
      await held;
      const res = await fetch(`${servers[0].base}/api/enterprises`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `${name} loading`, sector: 'dairy', sub_sector: '', gps: [lon + 1e-4, lat + 1e-4], employment: { self: 1, wage: 0 }, owner_gender: '' }),
      });
      assert.equal(res.status, 201, `POST /api/enterprises: ${await res.clone().text()}`);
      created = await res.json();
      await pageB.waitForFunction((before) => window.__guccho.live.lastEventID > before, before, { timeout: SEE_TIMEOUT_MS });
      await pageB.waitForTimeout(500); // past LiveMap's batching wait: the refresh ran while the tile loaded
      release();
      await waitForPoint(pageB, created.id, 'shown', 'an enterprise added while its tile loaded');
      assert.equal(requests, 2, 'the stale tile was fetched again');
      await waitIdle(pageB);
      await shot(pageB, 'live-05-b-sees-add-while-loading.png');
    } finally {
      release();
      await pageB.unroute(tilePath);
      // On PostGIS the map test that follows shares the database: leave the demo as it was.
      if (created?.id) {
        const gone = await fetch(`${servers[0].base}/api/enterprises/${encodeURIComponent(created.id)}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
        assert.equal(gone.status, 204, 'the added enterprise is deleted again');
      }
    }
  });

  step('B stayed connected and was never reloaded', async () => {
    assert.equal(await pageB.evaluate(() => window.__e2eNoReload === true), true, 'B kept its page');
    assert.equal(await pageB.locator('.guccho-live').getAttribute('data-status'), 'connected');
    assert.equal(await pageB.evaluate(() => window.__guccho.live.lastEventID > 0), true, 'B counted events');
  });
});
