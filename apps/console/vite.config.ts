import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console's build: React 19 with Ant Design 6, written to dist/console for the API to serve (apps/api/src/
 * console/console.ts). `html.cspNonce` marks every script and style tag with a placeholder the API replaces by
 * each response's nonce. The browser target is the supported-browser list: Chromium 90 and later (the domestic
 * 信创 browsers government desktops run are built on it), so nothing newer reaches them untranspiled.
 */
export const SUPPORTED_BROWSERS = ['chrome90', 'edge90', 'firefox90', 'safari15'];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  html: { cspNonce: '__CSP_NONCE__' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: SUPPORTED_BROWSERS,
    cssTarget: SUPPORTED_BROWSERS,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
    rolldownOptions: {
      // Ant Design marks its modules "use client" for React Server Components; a client bundle has no use for it.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      output: {
        // React changes less often than the console: its own hashed file stays cached across releases. Ant Design
        // is left to be split by use, so a screen loads only the components it shows.
        codeSplitting: {
          groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ }],
        },
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});
