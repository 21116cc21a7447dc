// The pure part of the saved views panel: the state a view saves, share
// links, reordering, and what an opened view could not use.

import type { Route } from '../core/router';
import type { Text, ViewState } from './api';
import { withoutLinkKeys } from './link';

/** The version of ViewState this build writes. */
export const STATE_VERSION = 1;

/** The state a view saves for a route: its view ("" for explore) and its parameters, camera included. */
export function stateOf(route: Route, defaultView = 'explore'): ViewState {
  return { v: STATE_VERSION, view: route.view === defaultView ? '' : route.view, params: withoutLinkKeys(route.params) };
}

/** The page's address without its hash. */
export function pageBase(loc: Pick<Location, 'origin' | 'pathname' | 'search'>): string {
  return loc.origin + loc.pathname + loc.search;
}

/** The link that opens a saved view. */
export function viewLink(base: string, id: string): string {
  return `${base}#saved=${encodeURIComponent(id)}`;
}

/** The link that opens a deck at a slide (1 is the first). */
export function deckLink(base: string, id: string, slide = 1): string {
  return `${base}#deck=${encodeURIComponent(id)}&slide=${slide}`;
}

/** The link that follows a deck's live presentation (docs/presenting.md). */
export function followLink(base: string, id: string): string {
  return `${base}#follow=${encodeURIComponent(id)}`;
}

/** A copy of list with the item at from moved to index to (both clamped into the list). */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(to, out.length)), 0, item);
  return out;
}

/** A copy of list without the item at index i. */
export function removeAt<T>(list: readonly T[], i: number): T[] {
  return list.filter((_, j) => j !== i);
}

/** n kept within 1 … count (1 for an empty deck). */
export function clampSlide(n: number, count: number): number {
  return Math.max(1, Math.min(Math.trunc(n) || 1, Math.max(count, 1)));
}

/** A text in lang, else in the other language, else "". */
export function textIn(t: Text | undefined, lang: 'en' | 'bn'): string {
  if (!t) return '';
  const other = lang === 'en' ? 'bn' : 'en';
  return (t[lang] ?? '').trim() || (t[other] ?? '').trim();
}

/** What the notice about dropped parameters says, before it is put into words. */
export interface DroppedNotice {
  /** The view was saved by a newer version of the app (its state's v is larger than this build's). */
  newer: boolean;
  /** The parameter names dropped, in order. */
  params: string[];
  /** The name of a view this build does not have, when that was dropped. */
  view: string;
}

/**
 * The notice for what app.open dropped when it opened state, or null when it
 * dropped nothing.
 */
export function droppedNotice(state: ViewState, dropped: readonly string[]): DroppedNotice | null {
  if (dropped.length === 0) return null;
  return {
    newer: state.v > STATE_VERSION,
    params: dropped.filter((d) => d !== 'view'),
    view: dropped.includes('view') ? state.view : '',
  };
}
