import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { I18n } from '../src/core/i18n';
import { OverlayRegistry, type OverlayFrame } from '../src/core/overlays';
import { OverlayCanvas } from '../src/labels/canvas';
import { LabelOverlay } from '../src/labels/overlay';

/** A map of 400 × 300 CSS px with the listeners and projection OverlayCanvas uses. */
function fakeMap() {
  const container = document.createElement('div');
  Object.defineProperty(container, 'clientWidth', { value: 400 });
  Object.defineProperty(container, 'clientHeight', { value: 300 });
  const gl = document.createElement('canvas');
  container.append(gl);
  const listeners = new Map<string, Set<() => void>>();
  let zoom = 7;
  return {
    container,
    listeners,
    setZoom: (z: number) => void (zoom = z),
    fire: (type: string) => listeners.get(type)?.forEach((fn) => fn()),
    getContainer: () => container,
    getCanvas: () => gl,
    getZoom: () => zoom,
    project: ([lon, lat]: [number, number]) => ({ x: lon * 10, y: lat * 10 }),
    on(type: string, fn: () => void) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(fn);
    },
    off: (type: string, fn: () => void) => void listeners.get(type)?.delete(fn),
  };
}

describe('OverlayCanvas', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('draws every overlay over the map at the device pixel ratio, once per animation frame after a move, a language change or new overlays, and leaves nothing on remove', () => {
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (fn: () => void) => frames.push(fn));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    vi.stubGlobal('devicePixelRatio', 2);
    const transforms: number[][] = [];
    const ctx = { setTransform: (...m: number[]) => transforms.push(m), clearRect: () => {}, save: () => {}, restore: () => {} };
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx as never);
    const runFrames = () => frames.splice(0).forEach((fn) => fn());

    const map = fakeMap();
    const overlays = new OverlayRegistry();
    const i18n = new I18n();
    const seen: OverlayFrame[] = [];
    overlays.add({ id: 'probe', draw: (_c, f) => void seen.push(f) });
    const c = new OverlayCanvas(map as unknown as MapLibreMap, overlays, i18n);

    expect(map.container.children[1]).toBe(c.canvas); // right above the WebGL canvas
    expect(c.canvas.style.pointerEvents).toBe('none');
    runFrames();
    expect([c.canvas.width, c.canvas.height, c.canvas.style.width, c.canvas.style.height]).toEqual([800, 600, '400px', '300px']);
    expect(transforms[0]).toEqual([2, 0, 0, 2, 0, 0]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ width: 400, height: 300, zoom: 7, lang: 'en', textScale: 1 });
    expect(seen[0].project([90, 24])).toEqual([900, 240]);

    map.setZoom(8);
    map.fire('move');
    map.fire('move');
    runFrames();
    expect(seen.map((f) => f.zoom)).toEqual([7, 8]);
    i18n.setLang('bn');
    runFrames();
    expect(seen[2].lang).toBe('bn');
    overlays.add({ id: 'another', draw: () => {} });
    runFrames();
    expect(seen).toHaveLength(4);

    c.remove();
    expect(map.container.contains(c.canvas)).toBe(false);
    expect([...map.listeners.values()].every((s) => s.size === 0)).toBe(true);
    map.fire('move');
    i18n.setLang('en');
    runFrames();
    expect(seen).toHaveLength(4);
  });

  it('places labels again at the registry’s text scale (larger while presenting) and back', () => {
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (fn: () => void) => frames.push(fn));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const drawn: string[] = [];
    const ctx = {
      font: '',
      setTransform: () => {},
      clearRect: () => {},
      save: () => {},
      restore: () => {},
      strokeText: () => {},
      fillText(text: string) {
        drawn.push(`${text} ${this.font}`);
      },
      // 7 px a character at 13 px, growing with the font's size.
      measureText(text: string) {
        return { width: text.length * 0.54 * Number(/([\d.]+)px/.exec(this.font)![1]) };
      },
    };
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx as never);
    const runFrames = () => frames.splice(0).forEach((fn) => fn());
    const map = fakeMap();
    const overlays = new OverlayRegistry();
    const style = { size: 13, weight: 600, colour: '#333' } as const;
    const names = new LabelOverlay('names', () => [{ id: 'a', en: 'Bhairab', bn: 'ভৈরব', at: [9, 12], priority: 1, rank: 1, style }], overlays);
    overlays.add(names);
    const c = new OverlayCanvas(map as unknown as MapLibreMap, overlays, new I18n());
    runFrames();
    expect(drawn).toEqual(['Bhairab 600 13px "Noto Sans", system-ui, sans-serif']);
    const box = (scale: number) => {
      const placed = names.placed(c.frame!, ctx as never);
      expect(c.frame!.textScale).toBe(scale);
      return placed[0].box[2] - placed[0].box[0];
    };
    const narrow = box(1);

    overlays.setTextScale(1.4);
    runFrames();
    expect(drawn.at(-1)).toBe('Bhairab 600 18.2px "Noto Sans", system-ui, sans-serif');
    expect(box(1.4) / narrow).toBeCloseTo(1.4, 5);
    overlays.setTextScale(1);
    runFrames();
    expect(drawn.at(-1)).toBe('Bhairab 600 13px "Noto Sans", system-ui, sans-serif');
    c.remove();
  });
});
