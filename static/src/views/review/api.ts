// The review part of the API: an import's review queue and the editor's
// decisions. Errors are ApiError, as in src/api.ts.

import { ApiError, errorFromBody, type ImportReport } from '../../api';

/** A unit the geocoder suggests for a row. */
export interface Suggestion {
  pcode: string;
  level: string;
  name: string;
  name_bn?: string;
  parent?: string;
  score: number;
}

export interface Decision {
  action: 'accept' | 'pick' | 'unplaceable';
  pcode?: string;
  by: string;
  at: string;
  alias_id?: number;
}

/** One row of an import that needs an editor (GET /api/imports/{id}/review). */
export interface ReviewItem {
  import_id: string;
  row: number;
  enterprise_id: string;
  name: string;
  stated: { division?: string; district?: string; upazila?: string; union?: string };
  admin: { division?: string; district?: string; upazila?: string; union?: string };
  geocode: { method: string; score: number; flags?: string[] };
  reasons: string[];
  suggestions: Suggestion[] | null;
  status: 'open' | 'decided';
  decision?: Decision;
}

export interface ReviewPage {
  items: ReviewItem[];
  open: number;
  decided: number;
  next_after?: number;
}

async function call(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      headers: { Accept: 'application/json', Authorization: 'Bearer ' + token, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) throw errorFromBody(res.status, res.statusText, await res.text().catch(() => ''));
  return res;
}

/** The first page of rows in one state (a thousand rows, the most a page holds). */
export async function fetchReview(importID: string, status: 'open' | 'decided', token: string, signal?: AbortSignal): Promise<ReviewPage> {
  const q = new URLSearchParams({ status, limit: '1000' });
  const res = await call(`/api/imports/${encodeURIComponent(importID)}/review?${q}`, token, { signal });
  return (await res.json()) as ReviewPage;
}

/** Decides a row: accept a suggestion, pick any unit, or mark it not placeable. */
export async function decide(importID: string, row: number, body: { action: Decision['action']; pcode?: string }, token: string): Promise<ReviewItem> {
  const res = await call(`/api/imports/${encodeURIComponent(importID)}/review/${row}`, token, { method: 'POST', body: JSON.stringify(body) });
  return (await res.json()) as ReviewItem;
}

/** The import's report, for its file name. */
export async function fetchImportHead(importID: string, token: string): Promise<ImportReport> {
  const res = await call(`/api/imports/${encodeURIComponent(importID)}`, token);
  return (await res.json()) as ImportReport;
}

/** A place-name alias learnt from a fix (GET /api/aliases, admins). */
export interface Alias {
  id: number;
  level: string;
  within: string;
  name: string;
  pcode: string;
  created_by?: string;
  created_at: string;
}

export async function fetchAliases(token: string): Promise<Alias[]> {
  const res = await call('/api/aliases', token);
  return ((await res.json()) as { aliases: Alias[] }).aliases;
}

export async function deleteAlias(id: number, token: string): Promise<void> {
  await call(`/api/aliases/${id}`, token, { method: 'DELETE' });
}

/** Every alias as CSV (GET /api/aliases.csv). */
export async function exportAliases(token: string): Promise<Blob> {
  return (await call('/api/aliases.csv', token)).blob();
}

/** Adds the aliases of a CSV file, all or none (POST /api/aliases.csv). */
export async function importAliases(csv: string, token: string): Promise<{ rows: number; created: number }> {
  let res: Response;
  try {
    res = await fetch('/api/aliases.csv', { method: 'POST', body: csv, headers: { Accept: 'application/json', Authorization: 'Bearer ' + token, 'Content-Type': 'text/csv' } });
  } catch (err) {
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) throw errorFromBody(res.status, res.statusText, await res.text().catch(() => ''));
  return (await res.json()) as { rows: number; created: number };
}
