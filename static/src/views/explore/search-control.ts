// SearchControl: a map control with a search box for places in English or
// Bangla. It lists geocoder results with their parents and reports the one
// the user chooses (click, or Enter on the active or first result).

import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import { geocode, type GeocodeResult } from '../../api';
import { errorText } from '../../core/errors';
import type { I18n } from '../../core/i18n';
import { optionId, renderResults } from './search-results';

const LIMIT = 8;
const DEBOUNCE_MS = 180;
const LIST_ID = 'search-results';

export class SearchControl implements IControl {
  private container?: HTMLElement;
  private input?: HTMLInputElement;
  private clearButton?: HTMLButtonElement;
  private list?: HTMLUListElement;
  private results: GeocodeResult[] = [];
  private active = -1;
  private message = '';
  private timer?: ReturnType<typeof setTimeout>;
  private inflight?: AbortController;
  private unsubscribe?: () => void;

  constructor(
    private readonly i18n: I18n,
    private readonly onChoose: (result: GeocodeResult) => void,
  ) {}

  onAdd(_map: MapLibreMap): HTMLElement {
    const container = document.createElement('div');
    container.className = 'maplibregl-ctrl guccho-search';
    container.setAttribute('role', 'search');

    const input = document.createElement('input');
    input.type = 'search';
    input.className = 'guccho-search-input';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', LIST_ID);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('input', this.handleInput);
    input.addEventListener('keydown', this.handleKey);
    input.addEventListener('blur', this.handleBlur);
    input.addEventListener('focus', this.handleFocus);

    const clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'guccho-search-clear';
    clear.textContent = '×';
    clear.hidden = true;
    clear.addEventListener('click', this.clear);

    const list = document.createElement('ul');
    list.id = LIST_ID;
    list.className = 'guccho-search-results';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    // mousedown, not click: choose before the input loses focus.
    list.addEventListener('mousedown', this.handlePointer);

    container.append(input, clear, list);
    this.container = container;
    this.input = input;
    this.clearButton = clear;
    this.list = list;
    this.unsubscribe = this.i18n.onChange(() => this.render());
    this.render();
    return container;
  }

  onRemove(): void {
    clearTimeout(this.timer);
    this.inflight?.abort();
    this.unsubscribe?.();
    this.input?.removeEventListener('input', this.handleInput);
    this.input?.removeEventListener('keydown', this.handleKey);
    this.input?.removeEventListener('blur', this.handleBlur);
    this.input?.removeEventListener('focus', this.handleFocus);
    this.clearButton?.removeEventListener('click', this.clear);
    this.list?.removeEventListener('mousedown', this.handlePointer);
    this.container?.remove();
    this.container = this.input = this.clearButton = this.list = undefined;
  }

  /** Puts focus in the search box. */
  focus(): void {
    this.input?.focus();
  }

  private handleInput = (): void => {
    clearTimeout(this.timer);
    const q = this.input?.value.trim() ?? '';
    if (this.clearButton) this.clearButton.hidden = q === '';
    if (!q) {
      this.inflight?.abort();
      this.show([], '');
      return;
    }
    this.timer = setTimeout(() => void this.search(q), DEBOUNCE_MS);
  };

  private async search(q: string): Promise<void> {
    this.inflight?.abort();
    const ctrl = new AbortController();
    this.inflight = ctrl;
    try {
      const res = await geocode(q, LIMIT, ctrl.signal);
      if (ctrl.signal.aborted) return;
      this.show(res.results ?? [], res.results?.length ? '' : this.i18n.t('search.none'));
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      this.show([], this.i18n.t('search.error', { message: errorText(this.i18n, err) }));
    }
  }

  private handleKey = (e: KeyboardEvent): void => {
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (!this.results.length) return;
        e.preventDefault();
        const n = this.results.length;
        this.active = e.key === 'ArrowDown' ? (this.active + 1) % n : (this.active - 1 + n) % n;
        this.render();
        return;
      }
      case 'Enter': {
        e.preventDefault();
        // Enter right after typing waits for the results of what was typed.
        clearTimeout(this.timer);
        const q = this.input?.value.trim() ?? '';
        const ready = this.results.length || !q ? Promise.resolve() : this.search(q);
        void ready.then(() => {
          const chosen = this.results[Math.max(this.active, 0)];
          if (chosen) this.choose(chosen);
        });
        return;
      }
      case 'Escape':
        if (this.results.length || this.message) {
          // Close the list, not the unit panel behind it.
          e.preventDefault();
          this.show([], '');
        }
        return;
    }
  };

  // Leaving the box folds the list away; coming back shows it again.
  private handleBlur = (): void => {
    if (!this.list || !this.input) return;
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
  };

  private handleFocus = (): void => this.render();

  private handlePointer = (e: MouseEvent): void => {
    const li = (e.target as HTMLElement).closest<HTMLElement>('[role="option"]');
    if (!li) return;
    e.preventDefault();
    const chosen = this.results[Number(li.dataset.index)];
    if (chosen) this.choose(chosen);
  };

  private choose(result: GeocodeResult): void {
    if (this.input) this.input.value = this.i18n.unitNames(result).primary;
    this.show([], '');
    this.onChoose(result);
  }

  private clear = (): void => {
    if (this.input) this.input.value = '';
    this.handleInput();
    this.input?.focus();
  };

  private show(results: GeocodeResult[], message: string): void {
    this.results = results;
    this.message = message;
    this.active = -1;
    this.render();
  }

  private render(): void {
    if (!this.input || !this.list || !this.clearButton) return;
    const t = this.i18n;
    this.input.placeholder = t.t('search.placeholder');
    this.input.setAttribute('aria-label', t.t('search.label'));
    this.clearButton.setAttribute('aria-label', t.t('search.clear'));
    this.clearButton.title = t.t('search.clear');
    renderResults(this.list, this.results, t, this.active, this.message);
    const open = this.results.length > 0 || this.message !== '';
    this.list.hidden = !open;
    this.input.setAttribute('aria-expanded', String(open));
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', optionId(LIST_ID, this.active));
    else this.input.removeAttribute('aria-activedescendant');
  }
}
