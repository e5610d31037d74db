import userEvent, { PointerEventsCheckLevel } from '@testing-library/user-event';
import { render } from '@testing-library/react';
import { App, createQueryClient } from '../App';
import { createDataProvider } from '../data/dataProvider';
import { tauriStore } from '../data/uiStateStore';
import { FakeBackend } from '../dev/fakeBackend';

/** Renders the whole app at `path` over a fake backend installed with `mockIPC`. */
export function renderApp(
  path: string,
  {
    backend = new FakeBackend(),
    uiState,
  }: { backend?: FakeBackend; uiState?: Record<string, unknown> } = {},
) {
  backend.install();
  if (uiState) backend.uiState = { ...uiState };
  window.location.hash = `#${path}`;
  const store = tauriStore({ ...backend.uiState });
  const result = render(
    <App store={store} dataProvider={createDataProvider()} queryClient={createQueryClient()} />,
  );
  return { ...result, backend, store };
}

/**
 * user-event without per-key delays and without its pointer-events check, which calls
 * jsdom's slow getComputedStyle on every ancestor of every clicked element.
 */
export const setupUser = () =>
  userEvent.setup({ delay: null, pointerEventsCheck: PointerEventsCheckLevel.Never });
