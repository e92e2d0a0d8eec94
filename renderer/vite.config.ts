// Builds the renderer (renderer/index.html) into build/renderer, with relative URLs so it loads from
// file:// in Electron and from any path of the headless console.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  // No React plugin needed: esbuild compiles TSX with the automatic runtime.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../build/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Inline data: URLs for tiny assets would be fine under img-src, but keep every asset a file.
    assetsInlineLimit: 0,
    // The CSP forbids inline scripts; Vite's modulepreload polyfill would be bundled, not inlined, but is not needed.
    modulePreload: { polyfill: false },
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
