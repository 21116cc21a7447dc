// The link keys of the URL hash that open a saved view (saved=<id>) or a
// deck at a slide (deck=<id>&slide=<n>), and the keys a saved state never
// keeps. This module is on the first page, so it stays small.

/**
 * Hash keys that open something rather than describe the map: a saved view,
 * a deck and its slide, a presentation. They are never saved in a state.
 */
export const LINK_KEYS: readonly string[] = ['saved', 'deck', 'slide', 'present', 'follow'];

/** params without the link keys. */
export function withoutLinkKeys(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => !LINK_KEYS.includes(k)));
}

/** What the link keys of a hash ask for: a saved view, or a deck at a slide (1 is the first). */
export type DeckLink = { kind: 'view'; id: string } | { kind: 'deck'; id: string; slide: number };

/**
 * Reads the link keys of a route's parameters: saved=<id> opens a saved
 * view; deck=<id>&slide=<n> a deck at slide n (the first when slide is
 * missing or not a whole number ≥ 1). saved wins when both are given.
 */
export function parseLink(params: Record<string, string>): DeckLink | null {
  const saved = params.saved?.trim();
  if (saved) return { kind: 'view', id: saved };
  const deck = params.deck?.trim();
  if (!deck) return null;
  const n = Number(params.slide);
  return { kind: 'deck', id: deck, slide: Number.isInteger(n) && n >= 1 ? n : 1 };
}
