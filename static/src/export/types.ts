// The saved views and decks exports read: the shape the server's deck
// package gives (deck.View, GET /api/decks/{id} with its views), of which
// exports need only these fields.

import type { SavedState } from '../app';

/** A text in both languages; either may be missing. */
export interface Bilingual {
  en?: string;
  bn?: string;
}

/** A saved view: a state of the app with a title, subtitle and speaker notes. */
export interface SavedView {
  id?: string;
  title?: Bilingual;
  subtitle?: Bilingual;
  notes?: Bilingual;
  state: SavedState & { v?: number };
}

/** A deck: saved views in order (GET /api/decks/{id} answers one with its views). */
export interface Deck {
  id?: string;
  title?: Bilingual | string;
  subtitle?: Bilingual | string;
  views: SavedView[];
}

/** The formats of exports. */
export type ExportFormat = 'png' | 'pdf' | 'pptx';
