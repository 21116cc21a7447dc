// What the presenter's and the follower's pages share: the slide's title
// card on the map, the page's state as a saved state, and telling the
// user's own camera moves from the app's.

import type { Map as MapLibreMap, MapLibreEvent } from 'maplibre-gl';
import type { App, SavedState } from '../app';
import { el } from '../core/dom';
import { formatHash } from '../core/hash';
import type { I18n } from '../core/i18n';
import { parseRoute } from '../core/router';
import { textIn, type Deck } from './deck';

/** The title card: the slide's title and subtitle over the map (HTML, so Bangla is shaped). */
export class TitleCard {
  readonly el = el('div', 'pr-title-card');
  private readonly title = el('h1');
  private readonly subtitle = el('p');
  private index = -1;

  constructor(
    private readonly deck: Deck,
    private readonly i18n: I18n,
  ) {
    this.el.setAttribute('role', 'status');
    this.el.setAttribute('aria-live', 'polite');
    this.el.append(this.title, this.subtitle);
  }

  /** Shows slide i's title (re-rendered in the new language on a switch). */
  show(i: number): void {
    this.index = i;
    const v = this.deck.views[i];
    this.el.dataset.slide = String(i);
    this.title.textContent = textIn(v?.title, this.i18n.lang);
    const sub = textIn(v?.subtitle, this.i18n.lang);
    this.subtitle.textContent = sub;
    this.subtitle.hidden = !sub;
  }

  refresh(): void {
    if (this.index >= 0) this.show(this.index);
  }
}

/** The page's state as a saved view keeps it: the view shown and its hash parameters, with the camera as the map holds it now. */
export function currentState(app: App): SavedState {
  const c = app.map.getCenter();
  const camera = parseRoute(formatHash({ zoom: app.map.getZoom(), center: [c.lng, c.lat] })).params;
  return { view: app.view, params: { ...parseRoute(location.hash).params, ...camera } };
}

/** Whether a map event came from the user (a drag, wheel, key or touch) rather than from the app flying the camera. */
export function byUser(e: MapLibreEvent<unknown> | { originalEvent?: unknown }): boolean {
  return Boolean((e as { originalEvent?: unknown }).originalEvent);
}

/** Calls fn when the user starts moving the map themself (pan, zoom, rotate) or clicks it; returns the unsubscribe. */
export function onUserMove(map: MapLibreMap, fn: () => void): () => void {
  const h = (e: MapLibreEvent<unknown>) => {
    if (byUser(e)) fn();
  };
  map.on('movestart', h);
  map.on('click', fn);
  return () => {
    map.off('movestart', h);
    map.off('click', fn);
  };
}
