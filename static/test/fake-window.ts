import { vi } from 'vitest';
import type { RouterWindow } from '../src/core/router';

/** A window whose hash the test sets, as a user or the back button would. */
export function fakeWindow(hash = '') {
  const listeners = new Set<() => void>();
  const win: RouterWindow & { setHash(h: string): void; listeners: Set<() => void> } = {
    location: { hash, pathname: '/', search: '' },
    history: {
      state: null,
      replaceState: vi.fn((_s: unknown, _t: string, url?: string | URL | null) => void (win.location.hash = String(url).startsWith('#') ? String(url) : '')),
      pushState: vi.fn((_s: unknown, _t: string, url?: string | URL | null) => void (win.location.hash = String(url).startsWith('#') ? String(url) : '')),
    },
    addEventListener: (_t, fn) => void listeners.add(fn),
    removeEventListener: (_t, fn) => void listeners.delete(fn),
    setHash(h: string) {
      win.location.hash = h;
      for (const fn of listeners) fn();
    },
    listeners,
  };
  return win;
}

