import { defineConfig } from 'vitest/config';

// The dev server proxies the API and tiles to a running `guccho serve`
// (GUCCHO_URL, default http://127.0.0.1:8080), so `npm run dev` gives hot
// reload against real data.
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
    proxy: {
      '/api': backend,
      '/tiles': backend,
      '/healthz': backend,
      '/ws': { target: backend, ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
    reporters: ['dot', './test/summary-reporter.ts'],
  },
});
