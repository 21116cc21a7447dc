// OverlayCanvas: the live map's drawing of every registered overlay, on a
// 2D canvas laid over the WebGL canvas (under markers, popups and
// controls; it takes no pointer events), at the device's pixel ratio.

import type { Map as MapLibreMap } from 'maplibre-gl';
import type { I18n } from '../core/i18n';
import type { OverlayFrame, OverlayRegistry } from '../core/overlays';

/** The live frame's view of the map: what OverlayCanvas reads from it. */
export type FrameSource = Pick<MapLibreMap, 'getZoom' | 'project' | 'getContainer'>;

/** The frame of the live map: its container's size, camera, the interface language and the text scale (1 unless presenting). */
export function liveFrame(map: FrameSource, lang: 'en' | 'bn', textScale = 1): OverlayFrame {
  const el = map.getContainer();
  return {
    width: el.clientWidth,
    height: el.clientHeight,
    zoom: map.getZoom(),
    project: (ll) => {
      const p = map.project(ll);
      return [p.x, p.y];
    },
    lang,
    textScale,
  };
}

/** Draws the overlays of a registry over a MapLibre map, again after every move, resize, change of overlays, of the text scale and of language. */
export class OverlayCanvas {
  readonly canvas: HTMLCanvasElement;
  /** The frame last drawn. */
  frame: OverlayFrame | null = null;
  private pending = 0;
  private readonly undo: (() => void)[] = [];

  constructor(
    private readonly map: MapLibreMap,
    private readonly overlays: OverlayRegistry,
    private readonly i18n: I18n,
  ) {
    const c = document.createElement('canvas');
    c.className = 'guccho-overlays';
    c.setAttribute('aria-hidden', 'true');
    Object.assign(c.style, { position: 'absolute', left: '0', top: '0', pointerEvents: 'none' });
    // Right above the WebGL canvas: markers and popups, added later to the same container, stay on top.
    map.getCanvas().after(c);
    this.canvas = c;
    const redraw = () => this.schedule();
    for (const type of ['move', 'resize'] as const) {
      map.on(type, redraw);
      this.undo.push(() => map.off(type, redraw));
    }
    this.undo.push(overlays.onChange(redraw), i18n.onChange(redraw), () => c.remove());
    this.schedule();
  }

  /** Asks for a redraw at the next animation frame (several asks, one drawing). */
  schedule(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  /** Draws every overlay now. */
  draw(): void {
    const frame = liveFrame(this.map, this.i18n.lang, this.overlays.textScale);
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    const w = Math.round(frame.width * dpr);
    const h = Math.round(frame.height * dpr);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
      c.style.width = `${frame.width}px`;
      c.style.height = `${frame.height}px`;
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, frame.width, frame.height);
    for (const o of this.overlays.list()) {
      ctx.save();
      try {
        o.draw(ctx, frame);
      } catch (err) {
        console.error(`guccho: overlay ${o.id} failed to draw`, err);
      }
      ctx.restore();
    }
    this.frame = frame;
  }

  /** Removes the canvas and its listeners. */
  remove(): void {
    cancelAnimationFrame(this.pending);
    for (const fn of this.undo.splice(0)) fn();
  }
}
