// End-to-end test of an import's review queue (docs/review.md): an editor
// imports a messy survey in which three rows name places the gazetteer does
// not know ("Bhairab Bazar", "Kuliarchar Ghat", "Katiadi Hat", each within
// Kishoreganj), opens the review from the import's report, fixes one row by
// accepting a suggestion, one by picking the upazila on the map and one from
// a search; the enterprises move (read back through the API), and a
// re-import of the same file needs no fixing: the fixes were learnt as
// aliases.
//
//   GUCCHO_BIN=../bin/guccho node --test e2e/review.e2e.mjs
//
// Screenshots and the server log go to e2e/artifacts/ (review-*.png, review-server.log).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { artifacts, editorToken, launchPersistent, shot, signIn, startServer, stopServer, waitIdle, watchConsole } from './harness.mjs';

const BHAIRAB = 'BD304811';
const KULIARCHAR = 'BD304854';
const KATIADI = 'BD304845';

const SURVEY = [
  'id,name,sector,district,upazila',
  'RV-1,Bazar Sandals,footwear_leather,Kishoreganj,Bhairab Bazar',
  'RV-2,Ghat Dairy,dairy,Kishoreganj,Kuliarchar Ghat',
  'RV-3,Hat Rice Mill,rice_mill,Kishoreganj,Katiadi Hat',
  'RV-4,Bhairab Shoes,footwear_leather,Kishoreganj,Bhairab',
].join('\n') + '\n';

/** Imports a file through the API and waits for its report. */
async function importByAPI(srv, token, file) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)], { type: 'text/csv' }), 'review-survey.csv');
  const res = await fetch(srv.base + '/api/imports', { method: 'POST', headers: { Authorization: 'Bearer ' + token }, body: form });
  assert.equal(res.status, 202, await res.clone().text());
  const { id } = await res.json();
  for (let i = 0; i < 300; i++) {
    const imp = await (await fetch(srv.base + '/api/imports/' + id)).json();
    if (imp.status !== 'running') return imp;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import still running after 30 s');
}

async function reviewRows(srv, token, id, status) {
  const res = await fetch(`${srv.base}/api/imports/${id}/review?status=${status}`, { headers: { Authorization: 'Bearer ' + token } });
  assert.equal(res.status, 200);
  return (await res.json()).items.map((it) => it.enterprise_id);
}

describe('review of an import', { timeout: 240_000 }, () => {
  let srv, ctx, page, token, dir;
  const errors = [];

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'guccho-e2e-review-'));
    srv = await startServer({ name: 'review-server' });
    token = await editorToken(srv);
    ctx = await launchPersistent(join(dir, 'profile'));
    page = ctx.pages()[0] ?? (await ctx.newPage());
    watchConsole(page, errors, 'review');
  });

  after(async () => {
    await ctx?.close();
    if (srv) writeFileSync(join(artifacts, 'review-server.log'), srv.log.join(''));
    await stopServer(srv);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fixes three rows in the review page, and a re-import of the same file needs no fixing', async () => {
    const csv = join(dir, 'review-survey.csv');
    writeFileSync(csv, SURVEY);
    await page.goto(`${srv.base}/#z=8&lon=90.95&lat=24.2`);
    await waitIdle(page);
    await signIn(page, token);

    // Import through the dialog; its report offers the review.
    await page.locator('.guccho-account-import').click();
    await page.locator('#import-dialog').waitFor({ state: 'visible', timeout: 5000 });
    await page.setInputFiles('#import-file', csv);
    await page.locator('.import-start').click();
    await page.locator('.import-status').waitFor({ state: 'visible', timeout: 30_000 });
    const link = page.locator('a.import-review');
    await link.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await link.innerText(), 'Review 3 rows');
    const importID = decodeURIComponent((await link.getAttribute('href')).match(/import=([^&]+)/)[1]);
    await shot(page, 'review-01-report.png');
    await link.click();

    await page.locator('.rv-item').first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(page.url(), /view=review/);
    const rows = await page.locator('.rv-item').evaluateAll((els) => els.map((e) => e.dataset.enterprise));
    assert.deepEqual(rows, ['RV-1', 'RV-2', 'RV-3']);
    assert.equal(await page.locator('.rv-item[data-enterprise="RV-1"] .rv-field[data-field="upazila"] dd').innerText(), 'Bhairab Bazar');
    await shot(page, 'review-02-queue.png');

    // 1. Accept the suggestion Bhairab.
    await page.locator(`.rv-item[data-enterprise="RV-1"] .rv-suggestion[data-pcode="${BHAIRAB}"] .rv-accept`).click();
    await page.locator('.rv-item[data-enterprise="RV-1"]').waitFor({ state: 'detached', timeout: 10_000 });

    // 2. Pick Kuliarchar on the map: fly to a point inside it and click there.
    await page.locator('.rv-item[data-enterprise="RV-2"] .rv-pick').click();
    await page.locator('.rv-pick-hint').waitFor({ state: 'visible' });
    const unit = await (await fetch(`${srv.base}/api/admin/${KULIARCHAR}`)).json();
    const label = unit.label ?? unit.label_point;
    assert.ok(Array.isArray(label), `label point of ${KULIARCHAR}: ${JSON.stringify(unit).slice(0, 200)}`);
    await page.evaluate(([lon, lat]) => window.__guccho.map.jumpTo({ center: [lon, lat], zoom: 9 }), label);
    await waitIdle(page);
    const at = await page.evaluate(([lon, lat]) => {
      const map = window.__guccho.map;
      const p = map.project([lon, lat]);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }, label);
    await page.mouse.click(at.x, at.y);
    await page.locator('.rv-item[data-enterprise="RV-2"]').waitFor({ state: 'detached', timeout: 10_000 });

    // 3. Search Katiadi and choose the upazila.
    await page.locator('.rv-item[data-enterprise="RV-3"] .rv-search-input').fill('Katiadi');
    await page.locator('.rv-item[data-enterprise="RV-3"] .rv-search-go').click();
    await page.locator(`.rv-item[data-enterprise="RV-3"] .rv-result[data-pcode="${KATIADI}"] .rv-choose`).click();
    await page.locator('.rv-empty').waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('.rv-tab[data-tab="decided"]').click();
    assert.equal(await page.locator('.rv-decision').count(), 3);
    assert.equal(await page.locator('.rv-alias').count(), 3, 'each fix taught an alias');
    // The token is an admin's: the pane lists the aliases learnt.
    await page.waitForFunction(() => document.querySelectorAll('.rv-alias-item').length === 3, null, { timeout: 10_000 });
    assert.match(await page.locator('.rv-aliases').innerText(), /bhairab bazar[^\n]*BD3048[^\n]*BD304811/);
    await shot(page, 'review-03-decided.png');

    // The enterprises moved.
    for (const [id, pcode] of [['RV-1', BHAIRAB], ['RV-2', KULIARCHAR], ['RV-3', KATIADI]]) {
      const e = await (await fetch(`${srv.base}/api/enterprises/${id}`)).json();
      assert.equal(e.admin.upazila, pcode, `${id} is in ${JSON.stringify(e.admin)}`);
      assert.ok(e.geocode.flags.includes('reviewed'), `${id} flags ${e.geocode.flags}`);
    }
    assert.deepEqual(await reviewRows(srv, token, importID, 'open'), []);
    assert.deepEqual(await reviewRows(srv, token, importID, 'decided'), ['RV-1', 'RV-2', 'RV-3']);

    // The same file again: nothing to fix, and the rows land where the editor put them.
    const again = await importByAPI(srv, token, csv);
    assert.equal(again.status, 'succeeded');
    assert.equal(again.review, 0, `re-import keeps ${again.review} rows for review`);
    assert.equal(again.flags.name_alias, 3);
    assert.deepEqual(await reviewRows(srv, token, again.id, 'open'), []);
    for (const [id, pcode] of [['RV-1', BHAIRAB], ['RV-2', KULIARCHAR], ['RV-3', KATIADI]]) {
      const e = await (await fetch(`${srv.base}/api/enterprises/${id}`)).json();
      assert.equal(e.admin.upazila, pcode, `${id} after the re-import`);
    }
    assert.deepEqual(errors, [], 'no console errors');
  });
});
