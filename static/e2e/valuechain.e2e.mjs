// End-to-end test of the value-chain view against the real binary:
//
//   GUCCHO_BIN=../bin/guccho node --test e2e/valuechain.e2e.mjs
//
// (on PostGIS with GUCCHO_PG_URL, as the other e2e files). It starts
// `guccho serve --demo`, opens the demo's Bhairab footwear chain (creating
// one through the import API when the demo has none), waits for graph,
// Sankey and map, clicks an actor in the graph and checks that the map and
// the Sankey light it up and the panel names it in English and in Bangla;
// an edit in one page reaches a second page live; a generated chain of
// 2,000 actors is imported and the time to its first render is printed;
// switching back to explore must leave no value-chain layer, source or
// element behind. Screenshots go to e2e/artifacts/ (valuechain-*.png).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { artifacts, editorToken, getJSON, launchPersistent, shot, signIn, sleep, startServer, stopServer, waitIdle, watchConsole } from './harness.mjs';

/** Actors and links of a small Bhairab footwear chain, for a demo without one. */
const BHAIRAB_ACTORS = `id,name,name_bn,role,admin,lon,lat
leather,Hazaribagh leather trader,হাজারীবাগ চামড়া ব্যবসায়ী,input_supplier,BD302628,90.37,23.73
glue,Glue seller,আঠা বিক্রেতা,input_supplier,BD304811,90.98,24.04
w1,Workshop 1,কারখানা ১,producer,BD304811,90.99,24.05
w2,Workshop 2,কারখানা ২,producer,BD304811,90.995,24.055
w3,Workshop 3,কারখানা ৩,producer,BD304811,90.985,24.045
paikar,Paikar (collector),পাইকার,collector,BD304811,90.97,24.06
dhaka,Dhaka wholesaler,ঢাকার পাইকারি বিক্রেতা,wholesaler,BD302640,90.40,23.71
shop,Shoe shop,জুতার দোকান,retailer,BD302640,90.41,23.75
mfi,Partner organisation (MFI),সহযোগী সংস্থা,finance,BD304811,90.99,24.049
`;
const BHAIRAB_LINKS = `id,from,to,flow,product,volume,unit,value,period
l1,leather,w1,goods,leather,5000,sq ft,400000,2024
l2,leather,w2,goods,leather,1250,sq ft,100000,2024
l3,glue,w3,goods,glue,200,litre,,2024
l4,w1,paikar,goods,shoes,6000,pairs,1200000,2024
l5,w2,paikar,goods,shoes,5000,pairs,1000000,2024
l6,w3,dhaka,goods,shoes,1500,pairs,330000,2024
l7,paikar,dhaka,goods,shoes,11000,pairs,2420000,2024
l8,dhaka,shop,goods,shoes,12000,pairs,3000000,2024
l9,mfi,w1,money,loan,,,200000,2024
`;

/** A chain of n actors: 5 % input suppliers, 60 % producers, the rest collectors, wholesalers, retailers; each buys from two of the stage before. */
function generatedCSV(n) {
  const roles = [
    ['input_supplier', 0.05],
    ['producer', 0.6],
    ['collector', 0.15],
    ['wholesaler', 0.1],
    ['retailer', 0.1],
  ];
  const actors = ['id,name,role,lon,lat'];
  const links = ['id,from,to,flow,product,volume,unit,value'];
  const byRole = [];
  let made = 0;
  roles.forEach(([role, share], r) => {
    const count = r === roles.length - 1 ? n - made : Math.round(n * share);
    byRole[r] = [];
    for (let i = 0; i < count; i++) {
      const id = `${role}-${i}`;
      actors.push(`${id},${role} ${i},${role},${(90 + (i % 50) / 50).toFixed(3)},${(23 + r / 5).toFixed(3)}`);
      byRole[r].push(id);
    }
    made += count;
  });
  let k = 0;
  for (let r = 1; r < byRole.length; r++) {
    byRole[r].forEach((to, i) => {
      for (const j of [0, 1]) {
        const from = byRole[r - 1][(i * 2 + j) % byRole[r - 1].length];
        links.push(`g${k++},${from},${to},goods,shoes,${10 + (i % 7)},pairs,${1000 * (1 + (i % 5))}`);
      }
    });
  }
  return { actors: actors.join('\n') + '\n', links: links.join('\n') + '\n', links_count: k };
}

/** Imports a chain (POST /api/valuechains/import) and returns its summary. */
async function importChain(srv, token, fields, actorsCSV, linksCSV) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('actors', new Blob([actorsCSV], { type: 'text/csv' }), 'actors.csv');
  form.append('links', new Blob([linksCSV], { type: 'text/csv' }), 'links.csv');
  const res = await fetch(srv.base + '/api/valuechains/import', { method: 'POST', body: form, headers: { Authorization: 'Bearer ' + token } });
  const body = await res.text();
  assert.equal(res.status, 200, `import ${fields.id}: ${body}`);
  return JSON.parse(body);
}

/** Opens a chain by hash and waits until graph, Sankey and map are drawn; returns the view's render times. */
async function openChain(page, id, extra = '') {
  await page.evaluate(([id, extra]) => {
    location.hash = `#view=valuechain&chain=${encodeURIComponent(id)}${extra}`;
  }, [id, extra]);
  await page.waitForFunction((id) => window.__gucchoValueChain?.doc?.chain.id === id && document.querySelector('.vc-pane')?.dataset.state === 'ready', id, {
    timeout: 60_000,
  });
  await page.locator('.vc-sankey svg').waitFor({ timeout: 10_000 });
  await waitIdle(page);
  return page.evaluate(() => window.__gucchoValueChain.times);
}

/** Page coordinates of an actor's node in the graph. */
const nodePoint = (page, id) =>
  page.evaluate((id) => {
    const cy = window.__gucchoValueChain.graph.cy;
    const p = cy.getElementById(id).renderedPosition();
    const box = cy.container().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id);

const panelTitle = (page) => page.locator('.vc-panel .vc-panel-title').innerText();

describe('value-chain view', () => {
  let srv;
  let context;
  let page;
  let token;
  let chainID;
  let profile;
  const consoleErrors = [];
  let setupError;
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
      profile = mkdtempSync(join(tmpdir(), 'guccho-e2e-vc-'));
      context = await launchPersistent(profile);
      page = context.pages()[0] ?? (await context.newPage());
      watchConsole(page, consoleErrors);
      await page.goto(srv.base + '/#z=7&lon=90.4&lat=23.8');
      await waitIdle(page);
    } catch (err) {
      setupError = err;
    }
  });

  after(async () => {
    await context?.close().catch(() => {});
    await stopServer(srv);
    if (srv) writeFileSync(join(artifacts, 'valuechain-server.log'), srv.log.join(''));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  step('the demo has a Bhairab footwear chain (or one is imported)', async () => {
    const { chains } = await getJSON(srv, '/api/valuechains');
    // The hand-made chain, not the one assembled from the survey (which
    // names its cluster).
    const demo = chains.find((c) => !c.cluster && /bhairab/i.test(`${c.id} ${c.name}`) && /foot|leather/i.test(`${c.sector} ${c.id}`));
    if (demo) {
      chainID = demo.id;
      console.log(`# demo chain ${demo.id}: ${demo.actors} actors, ${demo.links} links`);
      return;
    }
    const { sectors } = await getJSON(srv, '/api/sectors');
    const sector = sectors.find((s) => /foot|leather/i.test(s.code))?.code;
    assert.ok(sector, 'a footwear sector in the catalogue');
    const made = await importChain(srv, token, { id: 'bhairab-footwear-e2e', name: 'Bhairab footwear', name_bn: 'ভৈরব পাদুকা', sector, admin: 'BD304811', synthetic: 'true' }, BHAIRAB_ACTORS, BHAIRAB_LINKS);
    chainID = made.chain?.id ?? 'bhairab-footwear-e2e';
    console.log(`# the demo has no Bhairab footwear chain; imported ${chainID} (${made.actors} actors)`);
  });

  let picked;
  step('opens the chain: graph in stage columns, Sankey and flow lines on the map', async () => {
    const times = await openChain(page, chainID);
    console.log(`# first render of ${times.actors} actors: ${times.firstRender.toFixed(0)} ms (fetched after ${times.fetched.toFixed(0)} ms)`);
    const state = await page.evaluate(() => {
      const v = window.__gucchoValueChain;
      const map = window.__guccho.map;
      return {
        actors: v.graph.cy.nodes('.actor').length,
        headers: v.graph.cy.nodes('.header').map((n) => n.data('role')),
        sankeyNodes: document.querySelectorAll('.vc-sankey-node').length,
        lines: map.queryRenderedFeatures({ layers: ['vc-flow-lines'] }).length,
        points: map.queryRenderedFeatures({ layers: ['vc-actor-points'] }).length,
        // An operator with the most links, drawn on the map.
        pick: v.doc.actors
          .filter((a) => a.lon && a.stage > 0)
          .map((a) => ({ a, n: v.doc.links.filter((l) => l.from === a.id || l.to === a.id).length }))
          .sort((x, y) => y.n - x.n)[0].a,
      };
    });
    assert.ok(state.actors > 0, 'the graph draws actors');
    assert.deepEqual(state.headers.slice(0, 2), ['input_supplier', 'producer']);
    assert.ok(state.sankeyNodes > 0, 'the Sankey draws nodes');
    assert.ok(state.lines > 0, 'the map draws flow lines');
    assert.ok(state.points > 0, 'the map draws actor points');
    picked = state.pick;
    await shot(page, 'valuechain-open.png');
  });

  step('a click on an actor in the graph lights it in the map and the Sankey and opens its panel in English and Bangla', async () => {
    const p = await nodePoint(page, picked.id);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction((id) => new URLSearchParams(location.hash.slice(1)).get('actor') === id, picked.id, { timeout: 5000 });
    await waitIdle(page);
    const lit = await page.evaluate((id) => {
      const map = window.__guccho.map;
      return {
        graph: window.__gucchoValueChain.graph.lit().actors,
        map: map.queryRenderedFeatures({ layers: ['vc-actor-highlight'] }).map((f) => f.properties.id),
        mapLinks: map.queryRenderedFeatures({ layers: ['vc-flow-highlight'] }).length,
        sankey: [...document.querySelectorAll('.vc-sankey-node.hl')].map((g) => g.dataset.actors.split(' ')).flat(),
        stage: window.__gucchoValueChain.sankey.drawn.byStage,
        id,
      };
    }, picked.id);
    assert.deepEqual(lit.graph, [picked.id]);
    assert.deepEqual([...new Set(lit.map)], [picked.id], 'the map highlights the actor');
    assert.ok(lit.mapLinks > 0, 'the map highlights its flow lines');
    assert.ok(lit.sankey.includes(picked.id), `the Sankey highlights ${picked.id}`);
    assert.equal(await panelTitle(page), picked.name);
    await page.locator('.guccho-lang button[data-lang="bn"]').click();
    await page.waitForFunction((name) => document.querySelector('.vc-panel .vc-panel-title')?.textContent === name, picked.name_bn || picked.name, { timeout: 5000 });
    const bn = await page.locator('.vc-panel').innerText();
    assert.match(bn, /ভূমিকা/);
    assert.equal(await page.evaluate((id) => window.__gucchoValueChain.graph.cy.getElementById(id).data('label'), picked.id), picked.name_bn || picked.name);
    await shot(page, 'valuechain-bangla.png');
    await page.locator('.guccho-lang button[data-lang="en"]').click();
    await page.waitForFunction((name) => document.querySelector('.vc-panel .vc-panel-title')?.textContent === name, picked.name, { timeout: 5000 });
  });

  step('an edit in one page reaches another page live, without a reload', async () => {
    const other = await context.newPage();
    watchConsole(other, consoleErrors, 'B');
    await other.goto(srv.base + `/#view=valuechain&chain=${encodeURIComponent(chainID)}`);
    await other.waitForFunction(() => document.querySelector('.vc-pane')?.dataset.state === 'ready', null, { timeout: 60_000 });
    await other.evaluate(() => (window.__e2eMark = 'not reloaded'));
    await signIn(page, token);
    await page.locator('.vc-panel .vc-edit').click();
    const renamed = `${picked.name} (renamed)`;
    await page.locator('.vc-panel input[name="name"]').fill(renamed);
    await page.locator('.vc-panel .vc-save').click();
    await page.waitForFunction((name) => document.querySelector('.vc-panel .vc-panel-title')?.textContent === name, renamed, { timeout: 10_000 });
    const t0 = Date.now();
    await other.waitForFunction(([id, name]) => window.__gucchoValueChain?.graph.cy.getElementById(id).data('label') === name, [picked.id, renamed], { timeout: 15_000 });
    console.log(`# the other page drew the new name after ${Date.now() - t0} ms`);
    assert.equal(await other.evaluate(() => window.__e2eMark), 'not reloaded');
    await other.close();
  });

  step('a generated chain of 2,000 actors renders; time to first render', async () => {
    const gen = generatedCSV(2000);
    const { sectors } = await getJSON(srv, '/api/sectors');
    const made = await importChain(srv, token, { id: 'generated-2000', name: 'Generated 2,000', sector: sectors[0].code, synthetic: 'true' }, gen.actors, gen.links);
    assert.equal(made.actors, 2000);
    const t0 = Date.now();
    const times = await openChain(page, 'generated-2000');
    const wall = Date.now() - t0;
    const drawn = await page.evaluate(() => window.__gucchoValueChain.graph.cy.nodes('.actor').length);
    assert.equal(drawn, 2000);
    console.log(
      `# 2,000 actors, ${gen.links_count} links: first render ${times.firstRender.toFixed(0)} ms after the view asked for the chain (fetch + analysis ${times.fetched.toFixed(0)} ms, graph built in ${times.graph.toFixed(0)} ms, Sankey ${times.sankey.toFixed(0)} ms); ${wall} ms from the hash change to graph, Sankey and map drawn`,
    );
    await shot(page, 'valuechain-2000.png');
  });

  step('switching back to explore leaves no value-chain layer, source or element', async () => {
    await page.evaluate(() => {
      location.hash = '#z=7&lon=90.4&lat=23.8';
    });
    await page.waitForFunction(() => window.__guccho.view === 'explore' && window.__guccho.map.getLayer('divisions-fill'), null, { timeout: 15_000 });
    await waitIdle(page);
    const left = await page.evaluate(() => {
      const style = window.__guccho.map.getStyle();
      return {
        layers: style.layers.map((l) => l.id).filter((id) => id.startsWith('vc-')),
        sources: Object.keys(style.sources).filter((id) => id.startsWith('vc-')),
        elements: document.querySelectorAll('.vc-pane, .vc-panel, .vc-split').length,
        handle: Boolean(window.__gucchoValueChain),
      };
    });
    assert.deepEqual(left, { layers: [], sources: [], elements: 0, handle: false });
  });

  step('no errors in the browser console', async () => {
    assert.deepEqual(consoleErrors, []);
  });
});
