import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadUiState, tauriStore } from './data/uiStateStore';

async function start() {
  // `npm run dev` in a plain browser has no Rust behind it: serve the commands from memory.
  if (import.meta.env.DEV && !('__TAURI_INTERNALS__' in window)) {
    const { installFakeBackend } = await import('./dev/fakeBackend');
    installFakeBackend();
  }
  const { state, error } = await loadUiState();
  if (error) console.warn(`Saved grid settings could not be read: ${error}`);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App store={tauriStore(state)} />
    </StrictMode>,
  );
}

void start();
