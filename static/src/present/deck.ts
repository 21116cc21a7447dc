// A deck as GET /api/decks/{id} sends it (its views in order), and the
// text of a slide in the interface language.

import { ApiError, errorFromBody } from '../api';
import type { SavedState } from '../app';
import type { Lang } from '../core/i18n';

/** A text in both languages (deck.Text); either may be empty. */
export interface Text {
  en: string;
  bn: string;
}

/** A saved view (deck.View). */
export interface Slide {
  id: string;
  title: Text;
  subtitle: Text;
  notes: Text;
  state: SavedState & { v?: number };
}

/** A deck with its views in presentation order. */
export interface Deck {
  id: string;
  title: Text;
  subtitle: Text;
  view_ids: string[];
  views: Slide[];
}

/** The text in lang, else in the other language, else "". */
export function textIn(t: Partial<Text> | undefined, lang: Lang): string {
  if (!t) return '';
  const other: Lang = lang === 'en' ? 'bn' : 'en';
  return (t[lang] ?? '').trim() || (t[other] ?? '').trim();
}

/** Fetches a deck with its views; an ApiError for an unknown deck (not_found) or a failure. */
export async function fetchDeck(id: string, signal?: AbortSignal): Promise<Deck> {
  let res: Response;
  try {
    res = await fetch(`/api/decks/${encodeURIComponent(id)}`, { signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message);
  }
  if (!res.ok) throw errorFromBody(res.status, res.statusText, await res.text().catch(() => ''));
  const deck = (await res.json()) as Deck;
  deck.views = Array.isArray(deck.views) ? deck.views : [];
  return deck;
}
