// Typed client for the Guccho HTTP API. Every function throws ApiError when
// the server answers with an error document or the request fails.

export type Level = 1 | 2 | 3 | 4;
export type LevelName = 'division' | 'district' | 'upazila' | 'union';

/** [minLon, minLat, maxLon, maxLat] in EPSG:4326. */
export type BBox = [number, number, number, number];
/** [lon, lat] in EPSG:4326. */
export type LonLat = [number, number];

/** The short form of an admin unit, as listed among parents. */
export interface UnitSummary {
  pcode: string;
  level: Level;
  level_name: LevelName;
  name_en: string;
  name_bn: string;
  /** The unit's id in the vector tiles, where the server sends it. */
  feature_id?: number;
}

export interface AltName {
  name: string;
  lang: string;
  source: string;
}

/** GET /api/admin/{pcode}. Parents run from the division downwards. */
export interface AdminUnit extends UnitSummary {
  name_en_codab: string;
  type: string;
  area_km2: number;
  parent: string;
  parents: UnitSummary[];
  children_count: number;
  bbox: BBox;
  label: LonLat;
  alt_names?: AltName[];
}

export interface GeocodeResult extends UnitSummary {
  matched: string;
  score: number;
  kind: 'exact' | 'prefix' | 'fuzzy' | string;
  parents: UnitSummary[];
  bbox: BBox;
  label: LonLat;
}

export interface GeocodeResponse {
  query: string;
  results: GeocodeResult[];
}

export interface AppConfig {
  basemap_style_url: string;
  attribution: string;
}

/** An error answer of the API ({"error":{"code","message"}}) or a failed request. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function getJSON<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) {
    let code = 'http_' + res.status;
    let message = res.statusText;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // not a JSON error document; keep the status text
    }
    throw new ApiError(res.status, code, message);
  }
  return (await res.json()) as T;
}

/** The server's map configuration; a missing endpoint yields the defaults. */
export async function fetchConfig(): Promise<AppConfig> {
  const fallback: AppConfig = { basemap_style_url: '', attribution: '' };
  try {
    return { ...fallback, ...(await getJSON<Partial<AppConfig>>('/api/config')) };
  } catch (err) {
    console.warn('guccho: /api/config unavailable, using defaults', err);
    return fallback;
  }
}

export function fetchAdmin(pcode: string, signal?: AbortSignal): Promise<AdminUnit> {
  return getJSON<AdminUnit>('/api/admin/' + encodeURIComponent(pcode), signal);
}

export function geocode(q: string, limit: number, signal?: AbortSignal): Promise<GeocodeResponse> {
  const params = new URLSearchParams({ q, limit: String(limit) });
  return getJSON<GeocodeResponse>('/api/geocode?' + params.toString(), signal);
}
