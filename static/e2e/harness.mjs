// What the end-to-end tests share: starting and stopping `guccho serve`,
// launching Debian's Chromium through playwright-core, waiting for the map
// and reading it. Settings come from the environment:
//
//   GUCCHO_BIN         the binary (default ../bin/guccho, relative to static/)
//   GUCCHO_BOUNDARIES  folder with boundaries/ and gazetteer/ (default: the set shipped in the binary)
//   GUCCHO_PG_URL      run on this (empty) PostGIS database instead of a fresh SQLite file
//   CHROMIUM_PATH      default /usr/bin/chromium

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = resolve(here, '..');
export const artifacts = join(here, 'artifacts');
export const bin = resolve(staticDir, process.env.GUCCHO_BIN || '../bin/guccho');
export const boundaries = process.env.GUCCHO_BOUNDARIES || '';
export const pgURL = process.env.GUCCHO_PG_URL || '';
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HEALTH_TIMEOUT_MS = 90_000;
export const IDLE_TIMEOUT_MS = 45_000;

/** The Bhairab footwear cluster (Kishoreganj). */
export const BHAIRAB = [90.99, 24.05];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
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

/**
 * Starts `guccho serve` on a free port and resolves with its handle once
 * GET /healthz answers 200: { base, log, dbDir, db, child, exited }. The
 * database is GUCCHO_PG_URL when set, else a fresh SQLite file (or opts.db).
 * opts.demo loads the demo survey (and a first start prints an admin token).
 */
export async function startServer(opts = {}) {
  assert.ok(existsSync(bin), `no server binary at ${bin} (build it, or set GUCCHO_BIN)`);
  if (boundaries) assert.ok(existsSync(join(boundaries, 'boundaries')), `no boundaries/ in ${boundaries} (GUCCHO_BOUNDARIES)`);
  const port = await freePort();
  const srv = { base: `http://127.0.0.1:${port}`, log: [], name: opts.name || 'server' };
  srv.dbDir = mkdtempSync(join(tmpdir(), 'guccho-e2e-db-'));
  srv.db = opts.db || pgURL || join(srv.dbDir, 'guccho.db');
  const args = ['serve', '--addr', `127.0.0.1:${port}`, '--db', srv.db];
  if (boundaries) args.push('--boundaries', boundaries);
  if (opts.demo) args.push('--demo');
  console.log(`# starting ${srv.name}: ${bin} ${args.join(' ')}`);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  srv.child = child;
  const keep = (chunk) => srv.log.push(chunk.toString());
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  srv.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  const started = Date.now();
  while (Date.now() < deadline) {
    const gone = await Promise.race([srv.exited, sleep(0).then(() => null)]);
    if (gone) throw new Error(`${srv.name} exited early (code ${gone.code}, signal ${gone.signal})`);
    try {
      const res = await fetch(`${srv.base}/healthz`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) {
        console.log(`# ${srv.name} healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return srv;
      }
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${srv.name}: GET /healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

/** Stops a server (SIGTERM, then SIGKILL after 5 s) and removes the directory startServer made for it. */
export async function stopServer(srv) {
  const child = srv?.child;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const done = await Promise.race([srv.exited, sleep(5000).then(() => null)]);
    if (!done) {
      child.kill('SIGKILL');
      await srv.exited;
    }
  }
  if (srv?.dbDir) rmSync(srv.dbDir, { recursive: true, force: true });
}

/** The admin token a server prints on its first start ("admin token: <token>"). */
export function adminToken(srv) {
  const m = srv.log.join('').match(/admin token: (\S+)/);
  return m ? m[1] : null;
}

export async function getJSON(srv, path) {
  const res = await fetch(srv.base + path);
  assert.equal(res.status, 200, `GET ${path}`);
  return res.json();
}

const CHROMIUM_ARGS = [
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
];
export const VIEWPORT = { width: 1280, height: 800 };

/** Headless Chromium with a persistent profile in profileDir (one context). */
export function launchPersistent(profileDir) {
  return chromium.launchPersistentContext(profileDir, { executablePath: chromiumPath, headless: true, viewport: VIEWPORT, args: CHROMIUM_ARGS });
}

/** Headless Chromium for several independent contexts. */
export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
}

/** Prints the page's console errors and page errors, and collects them in errors. */
export function watchConsole(page, errors, label = '') {
  const tag = label ? `${label}: ` : '';
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      errors.push(msg.text());
      console.log(`# ${tag}browser console error: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => {
    errors.push(String(err));
    console.log(`# ${tag}page error: ${err}`);
  });
}

/** Waits until the map has loaded, stopped moving and drawn its tiles. */
export async function waitIdle(page) {
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

export async function shot(page, name) {
  const file = join(artifacts, name);
  await page.screenshot({ path: file });
  console.log(`# screenshot ${file}`);
}

/** Properties (and id) of the rendered features of a layer. */
export const rendered = (page, layer) =>
  page.evaluate((id) => window.__guccho.map.queryRenderedFeatures({ layers: [id] }).map((f) => ({ id: f.id, ...f.properties })), layer);

/** Signs in through the account control with a token. */
export async function signIn(page, token) {
  await page.locator('.guccho-account-signin').click();
  await page.locator('#guccho-token').fill(token);
  await page.locator('.guccho-signin-submit').click();
  await page.locator('.guccho-account-who').waitFor({ state: 'visible', timeout: 10_000 });
}

/**
 * A token that may edit: the admin token the server printed on its first
 * start, else (the database was not fresh, e.g. one PostGIS database shared
 * by several test files) a new one from `guccho token create`.
 */
export async function editorToken(srv) {
  const printed = adminToken(srv);
  if (printed) return printed;
  const child = spawn(bin, ['token', 'create', '--role', 'admin', '--name', 'e2e', '--db', srv.db], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const code = await new Promise((r) => child.once('exit', r));
  const m = out.match(/\b(gct_\w+)/);
  assert.ok(code === 0 && m, `guccho token create failed (exit ${code}): ${out}`);
  return m[1];
}
