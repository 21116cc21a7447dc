import { describe, expect, it } from 'vitest';
import { LiveControl } from '../src/views/explore/live-control';
import { I18n } from '../src/core/i18n';
import type { LiveStatus } from '../src/live';

function fakeLive(status: LiveStatus) {
  const listeners = new Set<(s: LiveStatus) => void>();
  const live = {
    status,
    on: (_type: 'status', fn: (s: LiveStatus) => void) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    set(s: LiveStatus) {
      live.status = s;
      for (const fn of listeners) fn(s);
    },
    listeners,
  };
  return live;
}

describe('LiveControl', () => {
  it('says whether the map is live, in the interface language, as a polite status', () => {
    const i18n = new I18n();
    const live = fakeLive('connecting');
    const control = new LiveControl(i18n, live as never);
    const el = control.onAdd();
    expect(el.getAttribute('role')).toBe('status');
    expect(el.getAttribute('aria-live')).toBe('polite');
    expect(el.textContent).toBe('Connecting…');
    live.set('connected');
    expect(el.dataset.status).toBe('connected');
    expect(el.textContent).toBe('Connected');
    live.set('reconnecting');
    expect(el.textContent).toBe('Reconnecting…');
    i18n.setLang('bn');
    expect(el.textContent).toBe('আবার সংযোগ হচ্ছে…');
    live.set('offline');
    expect(el.textContent).toBe('অফলাইন');
    expect(el.title).toMatch(/সংযোগ ফিরলে/);
  });

  it('stops listening when removed', () => {
    const live = fakeLive('connected');
    const control = new LiveControl(new I18n(), live as never);
    document.body.append(control.onAdd());
    control.onRemove();
    expect(live.listeners.size).toBe(0);
    expect(document.querySelector('.guccho-live')).toBeNull();
  });
});
