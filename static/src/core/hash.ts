// The map view kept in the URL hash:
// #z=7.2&lon=90.35&lat=23.7&sel=BD3026&sectors=dairy,footwear_leather.
// Parsing is forgiving (unknown keys and bad values are dropped); formatting
// rounds to a precision that suits the zoom so URLs stay short.

export interface ViewState {
  zoom?: number;
  /** [lon, lat] */
  center?: [number, number];
  /** P-code of the selected unit. */
  sel?: string;
  /**
   * The sectors shown, when the user narrowed them; absent means all, an
   * empty list none.
   */
  sectors?: string[];
}

const SECTOR_CODE = /^[a-z0-9_]+$/;

const PCODE = /^BD(\d{2}){1,4}$/;

/** Reports whether s looks like an admin-unit P-code (BD10 … BD10040913). */
export function isPCode(s: string): boolean {
  return PCODE.test(s);
}

function finite(s: string | null): number | undefined {
  if (s === null || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads a view from a location hash, with or without the leading '#'. */
export function parseHash(hash: string): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state: ViewState = {};
  const z = finite(params.get('z'));
  if (z !== undefined && z >= 0 && z <= 24) state.zoom = z;
  const lon = finite(params.get('lon'));
  const lat = finite(params.get('lat'));
  if (lon !== undefined && lat !== undefined && Math.abs(lon) <= 180 && Math.abs(lat) <= 90) {
    state.center = [lon, lat];
  }
  const sel = params.get('sel')?.trim().toUpperCase();
  if (sel && isPCode(sel)) state.sel = sel;
  const sectors = params.get('sectors');
  if (sectors !== null) {
    const codes = sectors.split(',').map((c) => c.trim().toLowerCase()).filter((c) => SECTOR_CODE.test(c));
    state.sectors = [...new Set(codes)];
  }
  return state;
}

function round(n: number, digits: number): string {
  // toFixed then Number drops trailing zeros: 90.3500 → "90.35"
  return String(Number(n.toFixed(digits)));
}

/** Writes a view as a hash string starting with '#' (empty state → ""). */
export function formatHash(state: ViewState): string {
  const parts: string[] = [];
  if (state.zoom !== undefined) parts.push('z=' + round(state.zoom, 2));
  if (state.center) {
    // about a pixel's worth of precision at the zoom, between 3 and 6 decimals
    const digits = Math.min(6, Math.max(3, Math.ceil(((state.zoom ?? 0) + 2) / 3)));
    parts.push('lon=' + round(state.center[0], digits), 'lat=' + round(state.center[1], digits));
  }
  if (state.sel) parts.push('sel=' + state.sel);
  if (state.sectors) parts.push('sectors=' + state.sectors.join(','));
  return parts.length ? '#' + parts.join('&') : '';
}
