// SectorControl: the legend of the enterprises layer and its sector filter.
// One row per sector of the catalogue (swatch, name in the interface
// language, count, checkbox), All / None, and a key that tells cells,
// surveyed points and display points apart. Collapsible for small screens.

import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import type { EnterpriseStats } from '../../api';
import type { I18n } from '../../core/i18n';
import type { SectorCatalogue, SectorFilter } from '../../sectors';
import { el } from '../../core/dom';

interface Row {
  code: string;
  input: HTMLInputElement;
  name: HTMLSpanElement;
  count: HTMLSpanElement;
}

export class SectorControl implements IControl {
  private container?: HTMLElement;
  private title?: HTMLElement;
  private total?: HTMLElement;
  private toggle?: HTMLButtonElement;
  private body?: HTMLElement;
  private fieldLegend?: HTMLElement;
  private allButton?: HTMLButtonElement;
  private noneButton?: HTMLButtonElement;
  private keys: { el: HTMLElement; key: 'legend.cell' | 'legend.gps' | 'legend.display' }[] = [];
  private rows: Row[] = [];
  private stats: EnterpriseStats | null = null;
  private collapsed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly i18n: I18n,
    private readonly catalogue: SectorCatalogue,
    private readonly filter: SectorFilter,
  ) {}

  onAdd(_map: MapLibreMap): HTMLElement {
    const container = el('section', 'maplibregl-ctrl guccho-sectors');
    container.setAttribute('aria-labelledby', 'guccho-sectors-title');

    const head = el('div', 'guccho-sectors-head');
    this.title = el('h2', 'guccho-sectors-title');
    this.title.id = 'guccho-sectors-title';
    this.total = el('span', 'guccho-sectors-total');
    this.toggle = el('button', 'guccho-sectors-toggle');
    this.toggle.type = 'button';
    this.toggle.setAttribute('aria-controls', 'guccho-sectors-body');
    this.toggle.addEventListener('click', this.handleToggle);
    head.append(this.title, this.total, this.toggle);

    this.body = el('div', 'guccho-sectors-body');
    this.body.id = 'guccho-sectors-body';
    const fieldset = el('fieldset', 'guccho-sectors-list');
    this.fieldLegend = el('legend', 'visually-hidden');
    fieldset.append(this.fieldLegend);
    this.rows = this.catalogue.sectors.map((s) => {
      const label = el('label', 'sector-row');
      label.dataset.sector = s.code;
      const input = el('input');
      input.type = 'checkbox';
      input.dataset.sector = s.code;
      input.addEventListener('change', this.handleCheck);
      const swatch = el('span', 'sector-swatch');
      swatch.style.background = this.catalogue.colour(s.code);
      const name = el('span', 'sector-name');
      const count = el('span', 'sector-count');
      label.append(input, swatch, name, count);
      fieldset.append(label);
      return { code: s.code, input, name, count };
    });

    const actions = el('div', 'guccho-sectors-actions');
    this.allButton = el('button');
    this.allButton.type = 'button';
    this.allButton.addEventListener('click', this.handleAll);
    this.noneButton = el('button');
    this.noneButton.type = 'button';
    this.noneButton.addEventListener('click', this.handleNone);
    actions.append(this.allButton, this.noneButton);

    const keyList = el('ul', 'guccho-legend-keys');
    this.keys = (['legend.cell', 'legend.gps', 'legend.display'] as const).map((key) => {
      const li = el('li', 'legend-key');
      li.append(el('span', `legend-symbol ${key.slice(7)}`), el('span', 'legend-text'));
      keyList.append(li);
      return { el: li, key };
    });

    this.body.append(fieldset, actions, keyList);
    container.append(head, this.body);
    this.container = container;
    this.unsubscribe.push(this.i18n.onChange(() => this.render()), this.filter.onChange(() => this.render()));
    this.render();
    return container;
  }

  onRemove(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    for (const r of this.rows) r.input.removeEventListener('change', this.handleCheck);
    this.toggle?.removeEventListener('click', this.handleToggle);
    this.allButton?.removeEventListener('click', this.handleAll);
    this.noneButton?.removeEventListener('click', this.handleNone);
    this.container?.remove();
    this.rows = [];
    this.keys = [];
    this.container = this.title = this.total = this.toggle = this.body = this.fieldLegend = undefined;
    this.allButton = this.noneButton = undefined;
  }

  /** Shows the counts of the store (null hides them). */
  setStats(stats: EnterpriseStats | null): void {
    this.stats = stats;
    this.render();
  }

  private handleCheck = (e: Event): void => {
    const input = e.currentTarget as HTMLInputElement;
    this.filter.toggle(input.dataset.sector!, input.checked);
  };

  private handleAll = (): void => this.filter.set(null);
  private handleNone = (): void => this.filter.set([]);

  private handleToggle = (): void => {
    this.collapsed = !this.collapsed;
    this.render();
  };

  private render(): void {
    if (!this.container) return;
    const t = this.i18n;
    this.title!.textContent = t.t('sectors.title');
    this.fieldLegend!.textContent = t.t('sectors.filter');
    const total = this.stats?.total;
    this.total!.textContent = total === undefined ? '' : t.t('count.enterprises', { count: total });
    this.toggle!.textContent = this.collapsed ? '+' : '−';
    this.toggle!.setAttribute('aria-expanded', String(!this.collapsed));
    this.toggle!.setAttribute('aria-label', t.t(this.collapsed ? 'sectors.expand' : 'sectors.collapse'));
    this.toggle!.title = t.t(this.collapsed ? 'sectors.expand' : 'sectors.collapse');
    this.body!.hidden = this.collapsed;
    this.allButton!.textContent = t.t('sectors.all');
    this.allButton!.disabled = this.filter.isAll;
    this.noneButton!.textContent = t.t('sectors.none');
    this.noneButton!.disabled = this.filter.isNone;
    for (const r of this.rows) {
      const { primary, secondary } = this.catalogue.names(r.code, t);
      r.name.textContent = primary;
      r.name.title = secondary;
      r.input.checked = this.filter.has(r.code);
      const n = this.stats?.by_sector?.[r.code];
      r.count.textContent = this.stats ? t.formatNumber(n ?? 0) : '';
      r.count.hidden = !this.stats;
    }
    for (const k of this.keys) k.el.querySelector('.legend-text')!.textContent = t.t(k.key);
  }
}
