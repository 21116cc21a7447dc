// LanguageControl: a map control switching the interface between English
// and Bangla. The choice is kept by I18n (in localStorage).

import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import { LANG_NAMES, LANGS, type I18n, type Lang } from '../core/i18n';

export class LanguageControl implements IControl {
  private container?: HTMLElement;
  private buttons = new Map<Lang, HTMLButtonElement>();
  private unsubscribe?: () => void;

  constructor(private readonly i18n: I18n) {}

  onAdd(_map: MapLibreMap): HTMLElement {
    const container = document.createElement('div');
    container.className = 'maplibregl-ctrl maplibregl-ctrl-group guccho-lang';
    container.setAttribute('role', 'group');
    for (const lang of LANGS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.lang = lang;
      b.textContent = LANG_NAMES[lang];
      b.dataset.lang = lang;
      b.addEventListener('click', this.handleClick);
      container.append(b);
      this.buttons.set(lang, b);
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

  private handleClick = (e: MouseEvent): void => {
    const lang = (e.currentTarget as HTMLElement).dataset.lang as Lang;
    this.i18n.setLang(lang);
  };

  private render(): void {
    this.container?.setAttribute('aria-label', this.i18n.t('lang.label'));
    for (const [lang, b] of this.buttons) b.setAttribute('aria-pressed', String(lang === this.i18n.lang));
  }
}
