// Presenting decks and following live presentations, loaded with import()
// when first used (a #present=, #follow= or #notes= link, or the decks
// panel's Present button), so the first page does not carry it.
//
//   present(app, deckId)   presentation mode (full screen, keys, notes window, live when signed in as an editor)
//   follow(app, deckId)    follows the deck's live presentation
//   showNotes(root, id)    the speaker notes window

import './strings';
import './present.css';
import type { App } from '../app';
import { el } from '../core/dom';
import { errorText } from '../core/errors';
import { fetchDeck, type Deck } from './deck';
import { Following } from './follow';
import { Presentation, type PresentOptions } from './mode';

export { showNotes } from './notes-page';
export { Presentation } from './mode';
export { Following } from './follow';

/** Shows a short message on the map (a deck that could not be opened), for a few seconds. */
function say(app: App, text: string): void {
  const box = el('div', 'pr-bar pr-message', text);
  box.setAttribute('role', 'alert');
  app.map.getContainer().append(box);
  setTimeout(() => box.remove(), 8000);
}

async function load(app: App, deckId: string): Promise<Deck | null> {
  try {
    const deck = await fetchDeck(deckId);
    if (!deck.views.length) {
      say(app, app.i18n.t('pr.error.empty'));
      return null;
    }
    return deck;
  } catch (err) {
    say(app, app.i18n.t('pr.error.deck', { error: errorText(app.i18n, err) }));
    return null;
  }
}

/** The presentation running on this page, so that a second Present ends the first. */
let running: Presentation | null = null;

/**
 * Presents deck deckId: full screen when the browser allows, slides by
 * keys or clicker, speaker notes in a second window, and — when the user
 * is signed in with an editor's token — live to its followers. Resolves
 * with the presentation once the first slide is shown (null when the deck
 * could not be opened).
 */
export async function present(app: App, deckId: string, opts: PresentOptions = {}): Promise<Presentation | null> {
  const deck = await load(app, deckId);
  if (!deck) return null;
  running?.leave();
  const p = new Presentation(app, deck, opts);
  running = p;
  void p.ended.then(() => {
    if (running === p) running = null;
  });
  await p.start();
  return p;
}

/** Follows deck deckId's live presentation; null when the deck could not be opened. */
export async function follow(app: App, deckId: string): Promise<Following | null> {
  const deck = await load(app, deckId);
  if (!deck) return null;
  const f = new Following(app, deck);
  f.start();
  return f;
}

/** Starts what a link asked for: present=<deck> or follow=<deck>. */
export function startFromLink(app: App, key: string, deckId: string): Promise<unknown> {
  return key === 'follow' ? follow(app, deckId) : present(app, deckId);
}
