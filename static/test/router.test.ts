import { describe, expect, it, vi } from 'vitest';
import { formatHash, parseHash } from '../src/core/hash';
import { formatRoute, parseRoute, Router } from '../src/core/router';
import { fakeWindow } from './fake-window';

describe('parseRoute and formatRoute', () => {
  const cases: { name: string; hash: string; view: string; params: Record<string, string>; formatted?: string }[] = [
    {
      name: 'a link from before views opens explore',
      hash: '#z=7.2&lon=90.35&lat=23.7&sel=BD3026&sectors=dairy',
      view: 'explore',
      params: { z: '7.2', lon: '90.35', lat: '23.7', sel: 'BD3026', sectors: 'dairy' },
    },
    { name: 'no hash', hash: '', view: 'explore', params: {} },
    { name: 'another view with its parameters', hash: '#view=clusters&z=8&method=dbscan', view: 'clusters', params: { z: '8', method: 'dbscan' } },
    { name: 'explore named outright', hash: '#view=explore&z=8', view: 'explore', params: { z: '8' }, formatted: '#z=8' },
    { name: 'a malformed view name', hash: '#view=<script>&z=8', view: 'explore', params: { z: '8' }, formatted: '#z=8' },
    { name: 'a list keeps its commas', hash: '#sectors=dairy,footwear_leather', view: 'explore', params: { sectors: 'dairy,footwear_leather' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const route = parseRoute(c.hash);
      expect(route).toEqual({ view: c.view, params: c.params });
      expect(formatRoute(route)).toBe(c.formatted ?? c.hash);
    });
  }

  it('writes exactly what hash.ts wrote for explore, so links stay the same', () => {
    const hash = formatHash({ zoom: 9.5, center: [91.82, 22.36], sel: 'BD2015', sectors: ['dairy', 'footwear_leather'] });
    expect(formatRoute(parseRoute(hash))).toBe(hash);
    expect(parseHash(formatRoute(parseRoute(hash)))).toEqual(parseHash(hash));
  });
});

describe('Router', () => {
  it('tells listeners of hash changes from outside, not of its own writes', () => {
    const win = fakeWindow('#z=7');
    const router = new Router(win);
    const seen: string[] = [];
    router.onChange((r, prev) => seen.push(`${prev.view}→${r.view} ${JSON.stringify(r.params)}`));
    router.replace({ z: '8', sel: 'BD30' });
    expect(win.location.hash).toBe('#z=8&sel=BD30');
    expect(win.history.pushState).not.toHaveBeenCalled();
    win.setHash('#z=8&sel=BD30'); // the browser's echo of our own write: no change
    win.setHash('#view=clusters&z=8');
    expect(seen).toEqual(['explore→clusters {"z":"8"}']);
    expect(router.current).toEqual({ view: 'clusters', params: { z: '8' } });
  });

  it('lets a hash set from outside win over its own write made before the browser said so', () => {
    const win = fakeWindow('#z=7');
    const router = new Router(win);
    const seen: string[] = [];
    router.onChange((r) => seen.push(JSON.stringify(r.params)));
    win.location.hash = '#z=7&sel=BD99'; // set by a link; hashchange not fired yet
    router.replace({ z: '7.5' }); // the camera after a move, from the state before the link
    expect(win.location.hash).toBe('#z=7&sel=BD99');
    expect(seen).toEqual(['{"z":"7","sel":"BD99"}']);
    for (const fn of win.listeners) fn(); // the late hashchange: nothing new
    expect(seen).toHaveLength(1);
    router.replace({ z: '7.5', sel: 'BD99' });
    expect(win.location.hash).toBe('#z=7.5&sel=BD99');
  });

  it('switches views with a history entry', () => {
    const win = fakeWindow('#z=7');
    const router = new Router(win);
    const fn = vi.fn();
    router.onChange(fn);
    router.go('clusters', { z: '7' });
    expect(win.history.pushState).toHaveBeenCalledWith(null, '', '#view=clusters&z=7');
    expect(fn).toHaveBeenCalledOnce();
    router.go('explore');
    expect(win.location.hash).toBe('');
  });

  it('writes the view shown when told, and stops listening when removed', () => {
    const win = fakeWindow('#view=nonesuch&z=7');
    const router = new Router(win);
    router.replace({ z: '7' }, 'explore');
    expect(win.location.hash).toBe('#z=7');
    router.remove();
    expect(win.listeners.size).toBe(0);
  });
});
