// End-to-end test of the place labels against the real binary, in headless
// Chromium:
//
//   GUCCHO_BIN=$PWD/../bin/guccho node --test e2e/labels.e2e.mjs
//
// It starts `guccho serve --demo` (fresh database, or GUCCHO_PG_URL), opens
// the map over Dhaka at z7.5 and reads the labels placed on the overlay
// canvas (window.__gucchoLabels): district names in English, then in Bangla
// after the language switch, no two boxes overlapping, Noto Sans Bengali
// loaded from the app's own origin and no request to any other; then the
// overview's division names, union names at z11, and the clusters view's
// cluster and service-centre names above the admin names. Screenshots go to
// e2e/artifacts/labels-*.png.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { artifacts, BHAIRAB, launchPersistent, shot, startServer, stopServer, waitIdle, watchConsole } from './harness.mjs';

/** The labels placed on the live map once the map is idle, the fonts and labels have arrived and a frame has been drawn. */
async function placedLabels(page) {
  await waitIdle(page);
  await page.waitForFunction(() => Boolean(window.__gucchoLabels), null, { timeout: 30_000 });
  await page.evaluate(() => window.__gucchoLabels.ready());
  // Two animation frames: the redraw asked for by the arrival, then ours.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => window.__gucchoLabels.placed().map(({ id, text, bangla, box, font }) => ({ id, text, bangla, box, font })));
}

/** No two placed boxes overlap, but for two blanks (the boxes of markers drawn otherwise, which may). */
function assertNoOverlap(labels) {
  for (let a = 0; a < labels.length; a++) {
    for (let b = a + 1; b < labels.length; b++) {
      if (!labels[a].text && !labels[b].text) continue;
      const p = labels[a].box;
      const q = labels[b].box;
      const overlap = p[0] < q[2] && q[0] < p[2] && p[1] < q[3] && q[1] < p[3];
      assert.ok(!overlap, `${labels[a].id} (${p}) overlaps ${labels[b].id} (${q})`);
    }
  }
}

const BENGALI = /[\u0980-\u09FF]/;
const LATIN = /[A-Za-z]/;

describe('place labels', () => {
  const state = {};
  let context;
  let page;
  const consoleErrors = [];
  const requests = [];
  let setupError;
  const step = (name, fn) =>
    it(name, async () => {
      if (setupError) throw new Error(`setup failed: ${setupError.message}`);
      await fn();
    });

  before(async () => {
    try {
      mkdirSync(artifacts, { recursive: true });
      state.server = await startServer({ demo: true, name: 'labels server' });
      state.profileDir = mkdtempSync(join(tmpdir(), 'guccho-e2e-chromium-'));
      context = await launchPersistent(state.profileDir);
      page = context.pages()[0] ?? (await context.newPage());
      watchConsole(page, consoleErrors);
      page.on('request', (req) => requests.push(req.url()));
    } catch (err) {
      setupError = err;
      if (state.server?.log?.length) console.log(`# server output:\n${state.server.log.join('')}`);
    }
  });

  after(async () => {
    try {
      await context?.close();
    } catch (err) {
      console.log(`# closing the browser: ${err}`);
    }
    await stopServer(state.server);
    if (state.server?.log) writeFileSync(join(artifacts, 'labels-server.log'), state.server.log.join(''));
    for (const dir of [state.profileDir, state.server?.dbDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  step('writes district names in English over Dhaka at z7.5', async () => {
    await page.goto(`${state.server.base}/`);
    await page.evaluate(() => localStorage.setItem('guccho.lang', 'en'));
    await page.goto('about:blank');
    await page.goto(`${state.server.base}/#z=7.5&lon=90.3&lat=23.8`);
    const labels = await placedLabels(page);
    const districts = labels.filter((l) => /^admin-labels\/BD\d{4}$/.test(l.id));
    assert.ok(districts.length >= 8, `at least 8 district names at z7.5, got ${districts.map((l) => l.text)}`);
    assert.ok(districts.some((l) => l.id === 'admin-labels/BD3026' && l.text === 'Dhaka'), 'Dhaka district is named');
    for (const l of labels) {
      assert.ok(LATIN.test(l.text) && !BENGALI.test(l.text), `${l.id} "${l.text}" is written in Latin letters`);
      assert.match(l.font, /"Noto Sans"/);
    }
    assertNoOverlap(labels);
    await shot(page, 'labels-dhaka-en.png');
  });

  step('writes them in Bangla after the language switch', async () => {
    await page.getByRole('button', { name: 'বাংলা' }).click();
    const labels = await placedLabels(page);
    const dhaka = labels.find((l) => l.id === 'admin-labels/BD3026');
    assert.equal(dhaka?.text, 'ঢাকা');
    const bangla = labels.filter((l) => l.bangla);
    assert.ok(bangla.length >= 8, `at least 8 Bangla names, got ${bangla.length}`);
    for (const l of bangla) {
      assert.ok(BENGALI.test(l.text), `${l.id} "${l.text}" is Bangla`);
      assert.match(l.font, /"Noto Sans Bengali"/);
    }
    assertNoOverlap(labels);
    await shot(page, 'labels-dhaka-bn.png');
  });

  step("loads Noto Sans Bengali from the app's own origin and nothing from another", async () => {
    const loaded = await page.evaluate(() => ({
      regular: document.fonts.check('400 12px "Noto Sans Bengali"', 'ঢাকা'),
      bold: document.fonts.check('600 13px "Noto Sans Bengali"', 'ঢাকা'),
      faces: [...document.fonts].filter((f) => f.family.includes('Noto Sans Bengali') && f.status === 'loaded').length,
    }));
    assert.ok(loaded.regular && loaded.bold && loaded.faces >= 2, `Noto Sans Bengali loaded: ${JSON.stringify(loaded)}`);
    const fonts = requests.filter((u) => /noto-sans-bengali-bengali-.*\.woff2$/.test(u));
    assert.ok(fonts.length >= 1, `a Noto Sans Bengali woff2 was requested (${fonts})`);
    const foreign = requests.filter((u) => !u.startsWith(state.server.base) && !/^(data|blob|about):/.test(u));
    assert.deepEqual(foreign, [], 'no request leaves the app’s origin');
  });

  step('writes division names on the overview and union names at z11', async () => {
    await page.goto('about:blank');
    await page.goto(`${state.server.base}/#z=6&lon=90.3&lat=23.7`);
    let labels = await placedLabels(page);
    const divisions = labels.filter((l) => /^admin-labels\/BD\d{2}$/.test(l.id));
    assert.ok(divisions.length >= 6, `at least 6 of the 8 division names at z6, got ${divisions.map((l) => l.text)}`);
    assertNoOverlap(labels);
    await shot(page, 'labels-overview-bn.png');

    await page.goto('about:blank');
    await page.goto(`${state.server.base}/#z=11&lon=${BHAIRAB[0]}&lat=${BHAIRAB[1]}`);
    labels = await placedLabels(page);
    const unions = labels.filter((l) => /^admin-labels\/BD\d{8}$/.test(l.id));
    assert.ok(unions.length >= 5, `union names at z11, got ${unions.map((l) => l.text)}`);
    const ms = [];
    for (let i = 0; i < 5; i++) ms.push(await page.evaluate(() => window.__gucchoLabels.time()));
    console.log(`# placing and drawing the z11 labels (${labels.length} placed): ${ms.map((m) => m.toFixed(1)).join(', ')} ms`);
    assertNoOverlap(labels);
    await shot(page, 'labels-bhairab-z11-bn.png');
  });

  step("names Bhairab's point cluster and its service centre in the clusters view, above the admin names", async () => {
    const smef = await (await fetch(`${state.server.base}/api/clusters?sector=footwear_leather&method=smef`)).json();
    const cluster = smef.features.find((f) => f.properties.units.some((u) => u.pcode === 'BD304811'));
    assert.ok(cluster, 'the server finds a SMEF cluster at Bhairab');
    const centres = await (await fetch(`${state.server.base}/api/centres?sector=footwear_leather`)).json();
    assert.ok(centres.features.length > 0, 'the demo has a footwear service centre');
    await page.goto('about:blank');
    await page.goto(`${state.server.base}/#view=clusters&sector=footwear_leather&mode=clusters&z=10&lon=${BHAIRAB[0]}&lat=${BHAIRAB[1]}`);
    await page.waitForFunction(() => window.__guccho?.view === 'clusters' && window.__guccho.current?.clusters, null, { timeout: 30_000 });
    await page.evaluate(() => window.__guccho.current.ready);
    let labels = [];
    // The centres arrive on their own request: wait for their names.
    for (let i = 0; i < 20 && !labels.some((l) => l.id.startsWith('centre-labels/') && l.text); i++) labels = await placedLabels(page);
    const clusterLabel = labels.find((l) => l.id === `cluster-labels/${cluster.properties.id}`);
    assert.equal(clusterLabel?.text, 'গুচ্ছ: ভৈরব');
    const centre = labels.find((l) => l.id.startsWith('centre-labels/') && l.text);
    assert.ok(centre && BENGALI.test(centre.text), `a service centre is named in Bangla (${centre?.text})`);
    assert.ok(labels.some((l) => l.id.startsWith('admin-labels/')), 'admin names are still written around them');
    assertNoOverlap(labels);
    await shot(page, 'labels-clusters-bn.png');

    // Back to explore: the view's names go with it.
    await page.evaluate(() => window.__guccho.show('explore'));
    labels = await placedLabels(page);
    assert.deepEqual(labels.filter((l) => !l.id.startsWith('admin-labels/')), []);
  });

  step('the browser console stays free of errors', async () => {
    assert.deepEqual(consoleErrors, []);
  });
});
