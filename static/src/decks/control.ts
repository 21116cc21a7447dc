// The saved views button (top right, with the map's other controls), which
// also notices the link keys saved=<id> and deck=<id>&slide=<n> in the hash.
// Both are on the first page and small: the panel itself (panel.ts, its
// strings, styles and link.ts) is loaded with import() when the button is
// first pressed or a link asks for it.

import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import type { App } from '../app';
import { el } from '../core/dom';
import { addMessages, type I18n } from '../core/i18n';
import type { DecksPanel } from './panel';
import './control.css';

const en = { 'decks.button': 'Views', 'decks.buttonTitle': 'Saved views and decks' } as const;
type ButtonKey = keyof typeof en;
declare module '../core/i18n' {
  interface Messages extends Record<ButtonKey, string> {}
}
addMessages({ en, bn: { 'decks.button': 'ভিউ', 'decks.buttonTitle': 'সংরক্ষিত ভিউ ও ডেক' } satisfies Record<ButtonKey, string> });

/** DecksControl: the Views button; pressed (aria-expanded) while the panel is open. */
export class DecksControl implements IControl {
  private container?: HTMLElement;
  private button?: HTMLButtonElement;
  private unsubscribe?: () => void;

  constructor(
    private readonly i18n: I18n,
    private readonly toggle: () => void,
  ) {}

  onAdd(_map: MapLibreMap): HTMLElement {
    const container = el('div', 'maplibregl-ctrl maplibregl-ctrl-group guccho-decks');
    const b = el('button', 'guccho-decks-button');
    b.type = 'button';
    b.setAttribute('aria-expanded', 'false');
    b.addEventListener('click', this.toggle);
    container.append(b);
    this.container = container;
    this.button = b;
    this.unsubscribe = this.i18n.onChange(() => this.render());
    this.render();
    return container;
  }

  onRemove(): void {
    this.button?.removeEventListener('click', this.toggle);
    this.unsubscribe?.();
    this.container?.remove();
    this.container = this.button = undefined;
  }

  /** Marks the panel open or closed. */
  setExpanded(open: boolean): void {
    this.button?.setAttribute('aria-expanded', String(open));
  }

  private render(): void {
    if (!this.button) return;
    this.button.textContent = this.i18n.t('decks.button');
    this.button.title = this.i18n.t('decks.buttonTitle');
  }
}

/** What startDecks returns: the panel, loading it first if need be. */
export interface Decks {
  panel(): Promise<DecksPanel>;
}

/**
 * Adds the Views button to the map (left of the language switch), and opens what
 * the link keys ask for: those of initialHash (the page's hash before the
 * app started, which the shown view has rewritten since) and those of
 * every later change of the hash. The link keys leave the hash first,
 * without a history entry; opening the view then writes its state.
 */
export function startDecks(app: App, initialHash = ''): Decks {
  let loading: Promise<DecksPanel> | null = null;
  const control = new DecksControl(app.i18n, () => void panel().then((p) => p.toggle()));
  const panel = (): Promise<DecksPanel> =>
    (loading ??= import('./panel').then(
      ({ DecksPanel, appActions }) =>
        new DecksPanel(app, app.map.getContainer().parentElement ?? document.body, {
          onOpenChange: (open) => control.setExpanded(open),
          ...appActions(app),
        }),
    ));
  app.map.addControl(control, 'top-right');
  // Beside the language switch (control.css floats it there), so the column of controls grows no taller.
  const corner = app.map.getContainer().querySelector('.maplibregl-ctrl-top-right');
  const account = corner?.querySelector('.guccho-account');
  const mine = corner?.querySelector('.guccho-decks');
  if (account && mine) corner!.insertBefore(mine, account);

  // Only the panel's chunk reads the link (link.ts); here a glance suffices.
  const follow = (params: Record<string, string>) => {
    if (params.saved || params.deck) void panel().then((p) => p.followLink(params));
  };
  follow(Object.fromEntries(new URLSearchParams(initialHash.replace(/^#/, ''))));
  app.router.onChange((route) => follow(route.params));
  return { panel };
}
