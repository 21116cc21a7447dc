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
 * Draws style for cam at pixelRatio onto a new canvas of
 * round(cam.width × pixelRatio) × round(cam.height × pixelRatio) pixels.
 */
export async function renderMap(style: StyleSpecification, cam: Camera, pixelRatio: number): Promise<HTMLCanvasElement> {
  const out = document.createElement('canvas');
  out.width = Math.round(cam.width * pixelRatio);
  out.height = Math.round(cam.height * pixelRatio);
  const ctx = out.getContext('2d')!;
  const limit = maxCanvasSide();
  const cssW = Math.ceil(cam.width);
  const cssH = Math.ceil(cam.height);
  const parts = pieces(cssW, cssH, pixelRatio, limit);
  const container = document.createElement('div');
  container.setAttribute('aria-hidden', 'true');
  container.style.cssText = 'position:fixed;left:-100000px;top:0;visibility:hidden;pointer-events:none';
  document.body.append(container);
  let map: MapLibreMap | null = null;
  try {
    for (const part of parts) {
      container.style.width = `${part.width}px`;
      container.style.height = `${part.height}px`;
      const center = unproject(cam, [part.x + part.width / 2, part.y + part.height / 2]);
      if (!map) {
        map = new MapLibreMap({
          container,
          style,
          center,
          zoom: cam.zoom,
          pixelRatio,
          maxCanvasSize: [limit, limit],
          interactive: false,
          attributionControl: false,
          fadeDuration: 0,
          canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
        });
        const loading = map;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the map of the export did not load')), IDLE_TIMEOUT_MS);
          loading.once('load', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      } else {
        map.resize();
        map.jumpTo({ center, zoom: cam.zoom });
      }
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
  } finally {
    map?.remove();
    container.remove();
  }
  return out;
}
