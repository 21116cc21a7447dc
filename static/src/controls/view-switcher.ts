// ViewSwitcher: a map control with one button per view (Explore | Clusters |
// Value chains), in the interface language. The shown view's button is
// pressed (aria-pressed); the buttons are ordinary buttons, so Tab and
// Enter or Space work. A click asks the shell to show that view.

import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import type { I18n } from '../core/i18n';

export class ViewSwitcher implements IControl {
  private container?: HTMLElement;
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private unsubscribe?: () => void;
  private shown = '';

  /** views: the view names in order; show: switches (the shell's app.show). */
  constructor(
    private readonly i18n: I18n,
    private readonly views: readonly string[],
    private readonly show: (view: string) => void,
  ) {}

  onAdd(_map: MapLibreMap): HTMLElement {
    const container = document.createElement('div');
    container.className = 'maplibregl-ctrl maplibregl-ctrl-group guccho-views';
    container.setAttribute('role', 'group');
    for (const name of this.views) {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.view = name;
      b.addEventListener('click', this.handleClick);
      container.append(b);
      this.buttons.set(name, b);
    }
    this.container = container;
    this.unsubscribe = this.i18n.onChange(() => this.render());
    this.render();
    return container;
  }

  onRemove(): void {
    for (const b of this.buttons.values()) b.removeEventListener('click', this.handleClick);
    this.buttons.clear();
    this.unsubscribe?.();
    this.container?.remove();
    this.container = undefined;
  }

  /** Marks the view shown. */
  setShown(view: string): void {
    this.shown = view;
    this.render();
  }

  private handleClick = (e: MouseEvent): void => {
    const view = (e.currentTarget as HTMLElement).dataset.view!;
    if (view !== this.shown) this.show(view);
  };

  private render(): void {
    this.container?.setAttribute('aria-label', this.i18n.t('views.label'));
    for (const [name, b] of this.buttons) {
      b.textContent = this.i18n.lookup(`views.${name}`, name);
      b.setAttribute('aria-pressed', String(name === this.shown));
    }
  }
}

