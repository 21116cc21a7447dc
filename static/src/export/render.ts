// Draws the map at an export's size: a hidden second MapLibre map with the
// page map's style, sized so that its drawing buffer holds the pixels
// wanted (pixelRatio), read once it is idle. A drawing larger than the
// GPU's largest canvas is drawn in pieces (the camera moved to each) and
// stitched.

import { Map as MapLibreMap } from 'maplibre-gl';
import type { StyleSpecification } from 'maplibre-gl';
import { pieces, unproject, type Camera } from './camera';

/** How long one piece may take to load its tiles before it is drawn as it is. */
const IDLE_TIMEOUT_MS = 60_000;

let gpuLimit: number | null = null;

/** The largest canvas side the GPU draws into (WebGL's renderbuffer, viewport and texture limits). */
export function maxCanvasSide(): number {
  if (gpuLimit !== null) return gpuLimit;
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) throw new Error('this browser has no WebGL: the map cannot be drawn');
  const dims = gl.getParameter(gl.MAX_VIEWPORT_DIMS) as Int32Array;
  gpuLimit = Math.min(gl.getParameter(gl.MAX_RENDERBUFFER_SIZE) as number, gl.getParameter(gl.MAX_TEXTURE_SIZE) as number, dims[0], dims[1]);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return gpuLimit;
}

function idle(map: MapLibreMap): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      console.warn('guccho export: the map did not finish loading; drawing it as it is');
      resolve();
    }, IDLE_TIMEOUT_MS);
    map.once('idle', () => {
      clearTimeout(timer);
      resolve();
    });
    map.triggerRepaint();
  });
}

/**
 * MapRenderer draws maps offscreen with one hidden MapLibre map, reused
 * from one drawing to the next (a deck's pages): the GPU context, shaders
 * and tiles it already holds are kept, and a new style is applied as a
 * diff. remove() frees it.
 */
export class MapRenderer {
  private map: MapLibreMap | null = null;
  private container: HTMLElement | null = null;

  /**
   * Draws style for cam at pixelRatio onto a new canvas of
   * round(cam.width × pixelRatio) × round(cam.height × pixelRatio) pixels.
   */
  async render(style: StyleSpecification, cam: Camera, pixelRatio: number): Promise<HTMLCanvasElement> {
    const out = document.createElement('canvas');
    out.width = Math.round(cam.width * pixelRatio);
    out.height = Math.round(cam.height * pixelRatio);
    const ctx = out.getContext('2d')!;
    const limit = maxCanvasSide();
    const parts = pieces(Math.ceil(cam.width), Math.ceil(cam.height), pixelRatio, limit);
    for (const [i, part] of parts.entries()) {
      const center = unproject(cam, [part.x + part.width / 2, part.y + part.height / 2]);
      const map = await this.prepare(style, i === 0, part.width, part.height, center, cam.zoom, pixelRatio, limit);
      await idle(map);
      const canvas = map.getCanvas();
      ctx.drawImage(
        canvas,
        0,
        0,
        canvas.width,
        canvas.height,
        Math.round(part.x * pixelRatio),
        Math.round(part.y * pixelRatio),
        Math.round(part.width * pixelRatio),
        Math.round(part.height * pixelRatio),
      );
    }
    return out;
  }

  /** The hidden map, sized and placed for one piece, with style applied when newStyle. */
  private async prepare(
    style: StyleSpecification,
    newStyle: boolean,
    width: number,
    height: number,
    center: [number, number],
    zoom: number,
    pixelRatio: number,
    limit: number,
  ): Promise<MapLibreMap> {
    if (!this.container) {
      this.container = document.createElement('div');
      this.container.setAttribute('aria-hidden', 'true');
      this.container.style.cssText = 'position:fixed;left:-100000px;top:0;visibility:hidden;pointer-events:none';
      document.body.append(this.container);
    }
    this.container.style.width = `${width}px`;
    this.container.style.height = `${height}px`;
    if (!this.map) {
      const map = new MapLibreMap({
        container: this.container,
        style,
        center,
        zoom,
        pixelRatio,
        maxCanvasSize: [limit, limit],
        interactive: false,
        attributionControl: false,
        fadeDuration: 0,
        canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
      });
      this.map = map;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the map of the export did not load')), IDLE_TIMEOUT_MS);
        map.once('load', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return map;
    }
    const map = this.map;
    if (map.getPixelRatio() !== pixelRatio) map.setPixelRatio(pixelRatio);
    map.resize();
    if (newStyle) map.setStyle(style, { diff: true });
    map.jumpTo({ center, zoom });
    return map;
  }

  /** Frees the hidden map and its GPU context. */
  remove(): void {
    this.map?.remove();
    this.map = null;
    this.container?.remove();
    this.container = null;
  }
}

/** Draws style for cam at pixelRatio with a renderer of its own (see MapRenderer.render). */
export async function renderMap(style: StyleSpecification, cam: Camera, pixelRatio: number): Promise<HTMLCanvasElement> {
  const r = new MapRenderer();
  try {
    return await r.render(style, cam, pixelRatio);
  } finally {
    r.remove();
  }
}
