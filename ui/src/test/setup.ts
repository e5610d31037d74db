import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** vite.config.ts: the test timeout, less a margin to report a failed query. */
    asyncUtilTimeout: number;
  }
}

// The whole app renders in jsdom on a 2-core machine that may be busy: async queries wait for
// their condition until (almost) the test's own timeout, never a few seconds of the clock.
configure({ asyncUtilTimeout: inject('asyncUtilTimeout') });

// @tauri-apps/api's mocks register callbacks with window.crypto.getRandomValues.
if (!window.crypto?.getRandomValues) {
  Object.defineProperty(window, 'crypto', {
    value: globalThis.crypto,
    configurable: true,
  });
}

// jsdom has no matchMedia (MUI's useMediaQuery, react-admin's theme preference).
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

// jsdom does not scroll; react-admin scrolls to the top on navigation.
window.scrollTo = () => {};

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = '';
});
