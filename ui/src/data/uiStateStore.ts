import type { Store } from 'react-admin';
import type { Commands } from '../bindings/commands';
import { call } from './api';

export type UiState = Record<string, unknown>;

/** Reads every stored key once, before the Admin renders. A failure starts from defaults. */
export async function loadUiState(): Promise<{ state: UiState; error: string | null }> {
  try {
    const state = await call('get_ui_state');
    return { state: state && typeof state === 'object' ? state : {}, error: null };
  } catch (e) {
    return { state: {}, error: e instanceof Error ? e.message : String(e) };
  }
}

type Persist = (key: string, value: unknown) => Promise<unknown>;

// The store's values are react-admin's list state, plain JSON.
const defaultPersist: Persist = (key, value) =>
  call('set_ui_state', { key, value: value as Commands['set_ui_state']['args']['value'] });

/**
 * A react-admin `Store` held in memory and written through to `set_ui_state`, so list state
 * (sort, filters, per-page, visible columns, theme) survives restarts of the app.
 * Writes of an unchanged value are skipped; `null` on the wire removes a key.
 */
export function tauriStore(
  initial: UiState = {},
  persist: Persist = defaultPersist,
  onPersistError: (error: unknown) => void = (e) => console.warn('set_ui_state failed', e),
): Store {
  const storage = new Map<string, unknown>(Object.entries(initial));
  const subscriptions = new Map<string, { key: string; callback: (value: unknown) => void }>();
  let nextId = 0;

  const publish = (key: string, value: unknown) => {
    for (const s of [...subscriptions.values()]) if (s.key === key) s.callback(value);
  };
  const write = (key: string, value: unknown) => {
    persist(key, value === undefined ? null : value).catch(onPersistError);
  };
  const same = (a: unknown, b: unknown) => {
    if (a === b) return true;
    try {
      return JSON.stringify(a) === JSON.stringify(b);
    } catch {
      return false;
    }
  };
  const remove = (key: string) => {
    if (!storage.has(key)) return;
    storage.delete(key);
    write(key, null);
    publish(key, undefined);
  };

  return {
    setup: () => {},
    teardown: () => {},
    getItem<T = unknown>(key: string, defaultValue?: T): T {
      return (storage.has(key) ? storage.get(key) : defaultValue) as T;
    },
    setItem<T = unknown>(key: string, value: T): void {
      if (value === undefined) {
        remove(key);
        return;
      }
      const changed = !storage.has(key) || !same(storage.get(key), value);
      storage.set(key, value);
      if (changed) write(key, value);
      publish(key, value);
    },
    removeItem: remove,
    removeItems(prefix: string): void {
      for (const key of [...storage.keys()]) if (key.startsWith(prefix)) remove(key);
    },
    reset(): void {
      for (const key of [...storage.keys()]) remove(key);
    },
    subscribe(key: string, callback: (value: unknown) => void) {
      const id = String(nextId++);
      subscriptions.set(id, { key, callback });
      return () => {
        subscriptions.delete(id);
      };
    },
    listItems(prefix?: string) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of storage) if (prefix == null || k.startsWith(prefix)) out[k] = v;
      return out;
    },
  };
}
