// The export's camera: the bounds the map shows on screen, fitted into the
// export's size, as Web Mercator arithmetic (no map needed), so the map can
// be drawn in tiles and the overlays projected onto the whole page.

/** MapLibre's world size at zoom 0, in CSS pixels. */
const TILE_SIZE = 512;

/** A camera over a drawing of width × height CSS pixels. */
export interface Camera {
  center: [number, number];
  zoom: number;
  width: number;
  height: number;
}

/**
 * The camera that shows, in width × height CSS pixels, at least what screen
 * shows (same centre; the zoom changes by the ratio of the sizes, the
 * smaller of the two so that all of the screen's bounds fit).
 */
export function fitCamera(screen: Camera, width: number, height: number): Camera {
  const ratio = Math.min(width / screen.width, height / screen.height);
  return { center: screen.center, zoom: screen.zoom + Math.log2(ratio), width, height };
}

/** Web Mercator x and y of a longitude/latitude, 0–1 over the world (y down), as MapLibre's MercatorCoordinate. */
export function mercator([lng, lat]: [number, number]): [number, number] {
  const y = (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;
  return [(lng + 180) / 360, y];
}

function lngLatOf([x, y]: [number, number]): [number, number] {
  return [x * 360 - 180, (360 / Math.PI) * Math.atan(Math.exp(((180 - y * 360) * Math.PI) / 180)) - 90];
}

/** Projects a longitude/latitude to the camera's CSS pixels. */
export function project(cam: Camera, lngLat: [number, number]): [number, number] {
  const world = TILE_SIZE * 2 ** cam.zoom;
  const c = mercator(cam.center);
  const p = mercator(lngLat);
  return [(p[0] - c[0]) * world + cam.width / 2, (p[1] - c[1]) * world + cam.height / 2];
}

/** The longitude/latitude at the camera's CSS pixel [x, y]. */
export function unproject(cam: Camera, [x, y]: [number, number]): [number, number] {
  const world = TILE_SIZE * 2 ** cam.zoom;
  const c = mercator(cam.center);
  return lngLatOf([c[0] + (x - cam.width / 2) / world, c[1] + (y - cam.height / 2) / world]);
}

/** A piece of a drawing, in CSS pixels. */
export interface Piece {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Cuts a drawing of width × height CSS pixels into pieces whose device
 * pixels (at pixelRatio) are at most maxDevice a side, row by row, so a
 * drawing larger than the GPU's largest canvas is drawn in parts.
 */
export function pieces(width: number, height: number, pixelRatio: number, maxDevice: number): Piece[] {
  const side = Math.max(1, Math.floor(maxDevice / pixelRatio));
  const out: Piece[] = [];
  for (let y = 0; y < height; y += side) {
    for (let x = 0; x < width; x += side) {
      out.push({ x, y, width: Math.min(side, width - x), height: Math.min(side, height - y) });
    }
  }
  return out;
}
