// Owns the Vite setup: the dev server serves the repository root (index.html, www/, pkg/) on
// 127.0.0.1 with cross-origin isolation headers, and module workers are built as ES modules.

import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// The Content-Security-Policy of index.html's meta tag, also sent as a header: a meta tag does
// not reach the Web Workers, which get their policy from their own script's response.
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

// Cross-origin isolation, so that wasm threads (SharedArrayBuffer) can be switched on later.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Content-Security-Policy': csp,
};

export default defineConfig({
  root,
  server: {
    host: '127.0.0.1',
    headers: isolation,
    fs: { allow: [root] },
    // Cargo writes thousands of files under target/, the tests write screenshots, and Python
    // virtual environments (for reference scripts) hold tens of thousands of files; the page loads
    // none of them, and watching them slows the server's start by many seconds.
    watch: {
      ignored: ['**/target/**', '**/dist/**', '**/tests/e2e/artifacts/**', '**/.venv*/**', '**/venv/**', '**/__pycache__/**'],
    },
  },
  preview: {
    host: '127.0.0.1',
    headers: isolation,
  },
  worker: { format: 'es' },
  // uPlot is pre-bundled at start-up, so the first page load never triggers a dependency reload.
  optimizeDeps: { include: ['uplot'] },
  build: { target: 'es2022' },
});
