/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// How long one test may take. The tests render the whole app in jsdom; on a busy 2-core machine
// (a Rust build beside them) one can take a minute. Their async queries (findBy…, waitFor) wait
// for their condition as long, less a margin to report what they did not find (see
// src/test/setup.ts): no test fails because the machine was slow to get there.
const TEST_TIMEOUT = 180_000;

// Tauri serves ui/dist at tauri://localhost: relative-safe root base, no CDN, no absolute file URLs.
export default defineConfig({
  base: '/',
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    chunkSizeWarningLimit: 2500,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    testTimeout: TEST_TIMEOUT,
    provide: { asyncUtilTimeout: TEST_TIMEOUT - 10_000 },
    css: false,
  },
});
