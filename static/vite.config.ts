import { defineConfig } from 'vitest/config';

// Build into dist/app, which package static embeds. The dev server proxies
// the API and tiles to a running `guccho serve` (GUCCHO_URL, default
// http://127.0.0.1:8080), so `npm run dev` gives hot reload on real data.
const backend = process.env.GUCCHO_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // xfwd sends X-Forwarded-Host, so TileJSON's absolute tile URLs point
    // back at this dev server instead of straight at the backend.
    proxy: {
      '/api': { target: backend, xfwd: true },
      '/tiles': { target: backend, xfwd: true },
      '/healthz': { target: backend, xfwd: true },
      '/ws': { target: backend, ws: true, xfwd: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    reporters: ['dot', './test/summary-reporter.ts'],
  },
});
