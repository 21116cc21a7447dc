// Saved views and decks on the server (/api/views, /api/decks; see
// docs/decks.md). Reads need no token; writes send an editor's. Errors are
// ApiError, as in src/api.ts.

import { ApiError, errorFromBody } from '../api';

/** A text in both languages; either may be empty. */
export interface Text {
  en: string;
  bn: string;
}

/** What a saved view restores (deck.State on the server). */
export interface ViewState {
  /** The version of the app that wrote it; this build writes 1. */
  v: number;
  /** The view's name; "" for explore. */
  view: string;
  /** The hash parameters: camera (z, lon, lat) and the view's own. */
  params: Record<string, string>;
}

export interface SavedView {
  id: string;
  title: Text;
  subtitle: Text;
  notes: Text;
  state: ViewState;
  created_by?: string;
  created_at: string;
  updated_at: string;
}

export interface Deck {
  id: string;
  title: Text;
  subtitle: Text;
  /** The slides in order; a view may appear more than once. */
  view_ids: string[];
  created_by?: string;
  created_at: string;
  updated_at: string;
}

/** GET /api/decks/{id}: the deck and its views in slide order. */
export interface DeckWithViews extends Deck {
  views: SavedView[];
}

/** What an editor sends for a view; on update, fields left out keep their values. */
export type ViewInput = Partial<Pick<SavedView, 'id' | 'title' | 'subtitle' | 'notes' | 'state'>>;
/** What an editor sends for a deck; on update, fields left out keep their values. */
export type DeckInput = Partial<Pick<Deck, 'id' | 'title' | 'subtitle' | 'view_ids'>>;

async function call<T>(path: string, opts: { method?: string; token?: string | null; json?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  if (opts.json !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      signal: opts.signal,
      ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) throw errorFromBody(res.status, res.statusText, await res.text().catch(() => ''));
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const viewPath = (id: string) => '/api/views/' + encodeURIComponent(id);
const deckPath = (id: string) => '/api/decks/' + encodeURIComponent(id);

/** Every saved view, newest first. */
export async function listViews(signal?: AbortSignal): Promise<SavedView[]> {
  return (await call<{ views?: SavedView[] | null }>('/api/views', { signal })).views ?? [];
}

export const fetchView = (id: string, signal?: AbortSignal) => call<SavedView>(viewPath(id), { signal });

export const createView = (token: string, v: ViewInput) => call<SavedView>('/api/views', { method: 'POST', token, json: v });

export const updateView = (token: string, id: string, v: ViewInput) => call<SavedView>(viewPath(id), { method: 'PUT', token, json: v });

export const deleteView = (token: string, id: string) => call<void>(viewPath(id), { method: 'DELETE', token });

/** Every deck, newest first. */
export async function listDecks(signal?: AbortSignal): Promise<Deck[]> {
  return (await call<{ decks?: Deck[] | null }>('/api/decks', { signal })).decks ?? [];
}

export async function fetchDeck(id: string, signal?: AbortSignal): Promise<DeckWithViews> {
  const d = await call<DeckWithViews>(deckPath(id), { signal });
  d.view_ids ??= [];
  d.views ??= [];
  return d;
}

export const createDeck = (token: string, d: DeckInput) => call<Deck>('/api/decks', { method: 'POST', token, json: d });

export const updateDeck = (token: string, id: string, d: DeckInput) => call<Deck>(deckPath(id), { method: 'PUT', token, json: d });

export const deleteDeck = (token: string, id: string) => call<void>(deckPath(id), { method: 'DELETE', token });
