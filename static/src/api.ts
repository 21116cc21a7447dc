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
  /** The whole credit line of the boundaries, which exports print. */
  boundaries_attribution?: string;
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

/**
 * The ApiError for an error answer: code and message from the error
 * document where the body is one, else from the status.
 */
export function errorFromBody(status: number, statusText: string, body: string): ApiError {
  let code = 'http_' + status;
  let message = statusText || `HTTP ${status}`;
  try {
    const doc = JSON.parse(body) as { error?: { code?: string; message?: string } };
    code = doc.error?.code ?? code;
    message = doc.error?.message ?? message;
  } catch {
    // not a JSON error document; keep the status text
  }
  return new ApiError(status, code, message);
}

/** Headers for a request, with the bearer token when there is one. */
function headers(token?: string, accept = 'application/json'): Record<string, string> {
  const h: Record<string, string> = { Accept: accept };
  if (token) h.Authorization = 'Bearer ' + token;
  return h;
}

interface RequestOptions {
  signal?: AbortSignal;
  token?: string;
  accept?: string;
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
}

/** fetch that turns network failures and error answers into ApiError. */
async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  let res: Response;
  const h = headers(opts.token, opts.accept);
  if (opts.json !== undefined) h['Content-Type'] = 'application/json';
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      signal: opts.signal,
      headers: h,
      ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) throw errorFromBody(res.status, res.statusText, await res.text().catch(() => ''));
  return res;
}

async function getJSON<T>(path: string, signal?: AbortSignal, token?: string): Promise<T> {
  return (await (await request(path, { signal, token })).json()) as T;
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

// Sectors and enterprises

export interface SubSector {
  code: string;
  name_en: string;
  name_bn: string;
}

/** A sector of the catalogue (GET /api/sectors). */
export interface Sector {
  code: string;
  name_en: string;
  name_bn: string;
  /** CSS colour, #rrggbb. */
  color: string;
  sub_sectors: SubSector[];
}

export function fetchSectors(signal?: AbortSignal): Promise<{ sectors: Sector[] }> {
  return getJSON<{ sectors: Sector[] }>('/api/sectors', signal);
}

/** GET /api/enterprises/stats. */
export interface EnterpriseStats {
  total: number;
  by_sector: Record<string, number>;
  /** How many of them are synthetic demo records. */
  synthetic: number;
}

/** The store's counts, or null where the server has no such endpoint (404). */
export async function fetchEnterpriseStats(signal?: AbortSignal): Promise<EnterpriseStats | null> {
  try {
    return await getJSON<EnterpriseStats>('/api/enterprises/stats', signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export type GeocodeMethod = 'gps' | 'union' | 'upazila' | 'district' | 'division' | 'none';
export type AdminLevelKey = LevelName;

/** One enterprise (GET /api/enterprises/{id}). */
export interface Enterprise {
  id: string;
  feature_id: number;
  name: string;
  sector: string;
  sub_sector: string;
  gps?: LonLat | null;
  point: LonLat;
  /** True when point is a display point inside the unit, not a surveyed location. */
  display_point: boolean;
  stated?: Partial<Record<AdminLevelKey, string>>;
  admin?: Partial<Record<AdminLevelKey, string>>;
  admin_names?: Partial<Record<AdminLevelKey, { en: string; bn: string }>>;
  geocode: { method: GeocodeMethod | string; score: number; flags?: string[] | null };
  employment: { self: number; wage: number; female?: number; male?: number };
  owner_gender?: string;
  recp?: { aware?: boolean; adopted?: boolean; practices?: string[] | null };
  barriers?: string[] | null;
  attributes?: Record<string, string>;
  synthetic: boolean;
  import_id?: string;
  created_at?: string;
  updated_at?: string;
}

const enterprisePath = (id: string) => '/api/enterprises/' + encodeURIComponent(id);

export function fetchEnterprise(id: string, signal?: AbortSignal): Promise<Enterprise> {
  return getJSON<Enterprise>(enterprisePath(id), signal);
}

/**
 * The body of POST /api/enterprises and PUT /api/enterprises/{id}: a whole
 * record (PUT replaces every field), placed by the server from gps or the
 * stated units.
 */
export interface EnterpriseInput {
  id?: string;
  name: string;
  sector: string;
  sub_sector: string;
  gps: LonLat | null;
  stated?: Partial<Record<AdminLevelKey, string>>;
  employment: { self: number; wage: number; female?: number; male?: number };
  owner_gender: string;
  recp?: { aware?: boolean; adopted?: boolean; practices?: string[] };
  barriers?: string[];
  attributes?: Record<string, string>;
}

/** Creates an enterprise (editors); resolves with it as placed by the server. */
export async function createEnterprise(body: EnterpriseInput, token: string): Promise<Enterprise> {
  return (await request('/api/enterprises', { method: 'POST', json: body, token })).json() as Promise<Enterprise>;
}

/** Replaces an enterprise (editors); resolves with it as placed by the server. */
export async function updateEnterprise(id: string, body: EnterpriseInput, token: string): Promise<Enterprise> {
  return (await request(enterprisePath(id), { method: 'PUT', json: body, token })).json() as Promise<Enterprise>;
}

/** Deletes an enterprise (editors). */
export async function deleteEnterprise(id: string, token: string): Promise<void> {
  await request(enterprisePath(id), { method: 'DELETE', token });
}

/** A TileJSON document, as far as the app reads it. */
export interface TileJSON {
  tiles: string[];
  minzoom?: number;
  maxzoom?: number;
  bounds?: BBox;
  attribution?: string;
}

export function fetchTileJSON(layer: string, signal?: AbortSignal): Promise<TileJSON> {
  return getJSON<TileJSON>(`/tiles/${encodeURIComponent(layer)}.json`, signal);
}

// Accounts and imports

export interface Me {
  role: 'editor' | 'admin' | string;
  name: string;
}

/** The account a token belongs to; ApiError with status 401 when it is not valid. */
export function fetchMe(token: string, signal?: AbortSignal): Promise<Me> {
  return getJSON<Me>('/api/me', signal, token);
}

/** An import's state: undoing/undone after an admin's undo; rolled_back when a crash interrupted it and the next start rolled it back. */
export type ImportState = 'running' | 'succeeded' | 'failed' | 'undoing' | 'undone' | 'rolled_back';

/** An import and its report (GET /api/imports/{id}). */
export interface ImportReport {
  id: string;
  filename: string;
  format: string;
  status: ImportState;
  error?: string;
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Rows kept for an editor's review (#view=review&import=<id>). */
  review?: number;
  methods?: Record<string, number> | null;
  flags?: Record<string, number> | null;
  mapping?: Record<string, string> | null;
  started_at?: string;
  ended_at?: string | null;
  undone_at?: string | null;
  /** For each resume after a crash, the file row it read on after. */
  resumed_after?: number[] | null;
  /** A running import's phase: loading its rows, then indexing them for the map. */
  phase?: 'loading' | 'indexing';
  progress?: { rows: number };
}

export function fetchImport(id: string, token: string, signal?: AbortSignal): Promise<ImportReport> {
  return getJSON<ImportReport>('/api/imports/' + encodeURIComponent(id), signal, token);
}

/** The failed rows of an import as CSV (GET /api/imports/{id}/failures.csv). */
/**
 * Undoes an import as a whole (POST /api/imports/{id}/undo, admins): the
 * enterprises it created go, those it updated get their previous version
 * back. Resolves with the import, now undone; a conflict (rows edited since,
 * or written by a later import) rejects with an ApiError of status 409.
 */
export async function undoImport(id: string, token: string): Promise<ImportReport> {
  return (await request(`/api/imports/${encodeURIComponent(id)}/undo`, { method: 'POST', token })).json() as Promise<ImportReport>;
}

export async function fetchImportFailures(id: string, token: string, signal?: AbortSignal): Promise<Blob> {
  const res = await request(`/api/imports/${encodeURIComponent(id)}/failures.csv`, { signal, token, accept: 'text/csv' });
  return res.blob();
}

/**
 * Uploads a survey file (POST /api/imports, multipart: file and optional
 * mapping) and resolves with the accepted import (202). XMLHttpRequest, not
 * fetch, so that onProgress sees the bytes sent. An aborted signal rejects
 * with an AbortError.
 */
export function uploadImport(
  file: File,
  opts: { token: string; mapping?: File | null; onProgress?: (sent: number, total: number) => void; signal?: AbortSignal },
): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    if (opts.mapping) form.append('mapping', opts.mapping, opts.mapping.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports');
    for (const [k, v] of Object.entries(headers(opts.token))) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) opts.onProgress?.(e.loaded, e.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ImportReport);
        } catch (err) {
          reject(new ApiError(xhr.status, 'bad_response', (err as Error).message));
        }
        return;
      }
      reject(errorFromBody(xhr.status, xhr.statusText, xhr.responseText));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'the upload failed')));
    xhr.addEventListener('abort', () => reject(new DOMException('upload aborted', 'AbortError')));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}
