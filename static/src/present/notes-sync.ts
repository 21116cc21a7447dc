// The speaker notes window and the presenting window talk over a
// BroadcastChannel named after the deck: the presenter says which slide is
// shown (with its notes, the next slide's title and when the presentation
// began), the notes window may ask for the next or previous slide.

import type { Lang } from '../core/i18n';
import { textIn, type Deck, type Text } from './deck';

/** The channel's name for a deck. */
export const channelName = (deckId: string) => `guccho-notes:${deckId}`;

/** What the presenting window says after every change of slide (and when asked). */
export interface SlideMessage {
  type: 'slide';
  deck: string;
  index: number;
  count: number;
  title: Text;
  notes: Text;
  /** The next slide's title; null on the last slide. */
  next: Text | null;
  /** When the presentation began (ms since the epoch), for the elapsed time. */
  startedAt: number;
}

/** What the notes window asks: hello (send the slide), next, prev; end when it closes. */
export interface CommandMessage {
  type: 'command';
  deck: string;
  action: 'hello' | 'next' | 'prev';
}

export type NotesMessage = SlideMessage | CommandMessage;

/** The slide message for slide index of deck. */
export function slideMessage(deck: Deck, index: number, startedAt: number): SlideMessage {
  const v = deck.views[index];
  const next = deck.views[index + 1];
  const empty = { en: '', bn: '' };
  return {
    type: 'slide',
    deck: deck.id,
    index,
    count: deck.views.length,
    title: v?.title ?? empty,
    notes: v?.notes ?? empty,
    next: next ? next.title : null,
    startedAt,
  };
}

/** Elapsed time as m:ss or h:mm:ss. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The notes of a slide message in lang (falling back to the other language). */
export function notesIn(m: SlideMessage, lang: Lang): { title: string; notes: string; next: string } {
  return { title: textIn(m.title, lang), notes: textIn(m.notes, lang), next: m.next ? textIn(m.next, lang) : '' };
}

/** The minimal BroadcastChannel the windows need (the browser's, or a fake in tests). */
export interface ChannelLike {
  postMessage(m: unknown): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  close(): void;
}

/** Opens the deck's channel; null where BroadcastChannel is missing. */
export function openChannel(deckId: string): ChannelLike | null {
  return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(channelName(deckId));
}
