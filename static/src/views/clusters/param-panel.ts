// The clusters view's side panel: the parameter form (sector, what to show,
// level, measure, neighbours, permutations, FDR, significance, and the
// point-cluster method with its parameters), a status line that screen
// readers hear (loading, errors, what was found), the legend, the export
// links of what is shown, and the ranked list of potential clusters. Every
// control is labelled; fields that do not apply to the chosen mode are
// hidden. A change calls onChange with the changed parameters at once.

import type { I18n, MessageKey } from '../../core/i18n';
import type { SectorCatalogue } from '../../sectors';
import type { Potential } from './api';
import { renderLegend } from './legend';
import {
  exportURL,
  FORMATS,
  MEASURES,
  METHODS,
  MODES,
  SIGNIFICANCES,
  STAT_LEVELS,
  WEIGHTS,
  type ClusterParams,
} from './params';
import { el } from '../../core/dom';

export interface ParamPanelCallbacks {
  /** The user changed the parameters in patch (only those: a profile opened meanwhile stays). */
  onChange(patch: Partial<ClusterParams>): void;
  /** The user chose an entry of the potential-cluster list. */
  onPickPotential(entry: Potential): void;
}

/** What the status line says; text is called again when the language changes. */
export type Status = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error' | 'note'; text: () => string };

let uid = 0;

export class ParamPanel {
  readonly el: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly statusEl: HTMLParagraphElement;
  private readonly legendEl: HTMLUListElement;
  private readonly legendBox: HTMLElement;
  private readonly exportsEl: HTMLElement;
  private readonly potentialEl: HTMLOListElement;
  private params: ClusterParams;
  private status: Status = { kind: 'idle' };
  private potential: Potential[] | null = null;
  private readonly unsubscribe: () => void;
  private readonly id = `cl-${++uid}`;

  constructor(
    parent: HTMLElement,
    private readonly i18n: I18n,
    private readonly sectors: SectorCatalogue,
    initial: ClusterParams,
    private readonly callbacks: ParamPanelCallbacks,
  ) {
    this.params = initial;
    this.el = el('aside', 'cl-panel');
    this.el.setAttribute('aria-labelledby', `${this.id}-title`);
    this.form = el('form', 'cl-form');
    this.form.addEventListener('submit', (e) => e.preventDefault());
    this.statusEl = el('p', 'cl-status');
    this.statusEl.setAttribute('role', 'status');
    this.statusEl.setAttribute('aria-live', 'polite');
    this.legendBox = el('section', 'cl-legend');
    this.legendEl = el('ul', 'cl-legend-list');
    this.exportsEl = el('section', 'cl-exports');
    this.potentialEl = el('ol', 'cl-potential');
    this.el.append(this.form, this.statusEl, this.legendBox, this.potentialEl, this.exportsEl);
    parent.append(this.el);
    this.unsubscribe = i18n.onChange(() => this.render());
    this.render();
  }

  /** Shows p in the form (after a change from outside: a link, Back). */
  set(p: ClusterParams): void {
    this.params = p;
    this.render();
  }

  setStatus(status: Status): void {
    this.status = status;
    this.renderStatus();
  }

  /** The ranked potential clusters (null: none loaded). */
  setPotential(list: Potential[] | null): void {
    this.potential = list;
    this.renderPotential();
  }

  remove(): void {
    this.unsubscribe();
    this.el.remove();
  }

  private change(patch: Partial<ClusterParams>): void {
    this.params = { ...this.params, ...patch };
    this.render();
    this.callbacks.onChange(patch);
  }

  private render(): void {
    const t = this.i18n;
    const p = this.params;
    const title = el('h2', 'cl-panel-title', t.t('cl.title'));
    title.id = `${this.id}-title`;
    const fields: HTMLElement[] = [title];

    const select = <T extends string | number>(
      name: string,
      label: MessageKey,
      values: readonly T[],
      current: T,
      text: (v: T) => string,
      apply: (v: string) => Partial<ClusterParams>,
    ) => {
      const id = `${this.id}-${name}`;
      const wrap = el('div', 'cl-field');
      wrap.dataset.field = name;
      const l = el('label', '', t.t(label));
      l.htmlFor = id;
      const s = el('select');
      s.id = id;
      s.name = name;
      for (const v of values) {
        const o = el('option', '', text(v));
        o.value = String(v);
        o.selected = v === current;
        s.append(o);
      }
      s.addEventListener('change', () => this.change(apply(s.value)));
      wrap.append(l, s);
      fields.push(wrap);
      return wrap;
    };
    const number = (name: string, label: MessageKey, value: number | undefined, step: string, apply: (v: number | undefined) => Partial<ClusterParams>) => {
      const id = `${this.id}-${name}`;
      const wrap = el('div', 'cl-field');
      wrap.dataset.field = name;
      const l = el('label', '', t.t(label));
      l.htmlFor = id;
      const input = el('input');
      input.id = id;
      input.name = name;
      input.type = 'number';
      input.min = '0';
      input.step = step;
      input.placeholder = t.t('cl.default');
      input.value = value === undefined ? '' : String(value);
      input.addEventListener('change', () => {
        const v = input.value.trim() === '' ? undefined : Number(input.value);
        if (v !== undefined && (!Number.isFinite(v) || v <= 0)) {
          input.setAttribute('aria-invalid', 'true');
          return;
        }
        input.removeAttribute('aria-invalid');
        this.change(apply(v));
      });
      wrap.append(l, input);
      fields.push(wrap);
      return wrap;
    };
    const show = (wrap: HTMLElement, on: boolean) => (wrap.hidden = !on);

    const codes = this.sectors.codes.length ? this.sectors.codes : p.sector ? [p.sector] : [];
    select('sector', 'cl.sector', codes, p.sector, (c) => this.sectors.names(c, t).primary, (v) => ({ sector: v }));
    select('mode', 'cl.mode', MODES, p.mode, (m) => t.t(`cl.mode.${m}` as MessageKey), (v) => ({ mode: v as ClusterParams['mode'] }));
    const stat = p.mode === 'lq' || p.mode === 'hotspots' || p.mode === 'moran';
    const local = p.mode === 'hotspots' || p.mode === 'moran';
    show(select('level', 'cl.level', STAT_LEVELS, p.level, (l) => t.t(`cl.level.${l}` as MessageKey), (v) => ({ level: v as ClusterParams['level'] })), stat || p.mode === 'potential');
    show(select('measure', 'cl.measure', MEASURES, p.measure, (m) => t.t(`cl.measure.${m}` as MessageKey), (v) => ({ measure: v as ClusterParams['measure'] })), stat);
    show(select('weights', 'cl.weights', WEIGHTS, p.weights, (w) => t.t(`cl.weights.${w}` as MessageKey), (v) => ({ weights: v as ClusterParams['weights'] })), local);
    show(number('k', 'cl.k', p.k, '1', (v) => ({ k: v })), local && p.weights === 'knn');
    show(number('band_km', 'cl.bandKm', p.bandKm, 'any', (v) => ({ bandKm: v })), local && p.weights === 'distance');
    show(number('perm', 'cl.permutations', p.permutations, '1', (v) => ({ permutations: v ?? 999 })), local);
    const fdrWrap = el('div', 'cl-field cl-check');
    fdrWrap.dataset.field = 'fdr';
    const fdr = el('input');
    fdr.type = 'checkbox';
    fdr.id = `${this.id}-fdr`;
    fdr.name = 'fdr';
    fdr.checked = p.fdr;
    fdr.addEventListener('change', () => this.change({ fdr: fdr.checked }));
    const fdrLabel = el('label', '', t.t('cl.fdr'));
    fdrLabel.htmlFor = fdr.id;
    fdrWrap.append(fdr, fdrLabel);
    fields.push(fdrWrap);
    show(fdrWrap, local);
    show(select('sig', 'cl.sig', SIGNIFICANCES, p.sig, (s) => t.t('cl.sig.value', { value: s }), (v) => ({ sig: Number(v) as ClusterParams['sig'] })), local);
    const pts = p.mode === 'clusters';
    show(select('method', 'cl.method', METHODS, p.method, (m) => t.t(`cl.method.${m}` as MessageKey), (v) => ({ method: v as ClusterParams['method'] })), pts);
    show(number('radius_km', 'cl.radiusKm', p.radiusKm, 'any', (v) => ({ radiusKm: v })), pts && p.method === 'smef');
    show(number('min_units', 'cl.minUnits', p.minUnits, '1', (v) => ({ minUnits: v })), pts && p.method === 'smef');
    show(number('eps_m', 'cl.epsM', p.epsM, 'any', (v) => ({ epsM: v })), pts && p.method === 'dbscan');
    show(number('min_points', 'cl.minPoints', p.minPoints, '1', (v) => ({ minPoints: v })), pts && p.method === 'dbscan');
    this.form.replaceChildren(...fields);

    const legendTitle = el('h3', 'cl-section', t.t('cl.legend'));
    this.legendBox.replaceChildren(legendTitle, this.legendEl);
    this.legendBox.hidden = !renderLegend(this.legendEl, t, p);

    this.exportsEl.replaceChildren();
    if (p.mode !== 'potential' && p.sector) {
      this.exportsEl.append(el('h3', 'cl-section', t.t('cl.export')));
      const row = el('div', 'cl-export-links');
      for (const f of FORMATS) {
        const a = el('a', 'cl-export', t.t(`cl.export.${f}` as MessageKey));
        a.href = exportURL(p, f);
        a.dataset.format = f;
        a.setAttribute('download', '');
        row.append(a);
      }
      this.exportsEl.append(row);
    }
    this.exportsEl.hidden = !this.exportsEl.childElementCount;
    this.renderStatus();
    this.renderPotential();
  }

  private renderStatus(): void {
    const s = this.status;
    this.statusEl.classList.toggle('error', s.kind === 'error');
    this.statusEl.textContent = s.kind === 'loading' ? this.i18n.t('cl.loading') : s.kind === 'error' || s.kind === 'note' ? s.text() : '';
  }

  private renderPotential(): void {
    const t = this.i18n;
    const list = this.params.mode === 'potential' ? this.potential : null;
    this.potentialEl.hidden = !list;
    if (!list) {
      this.potentialEl.replaceChildren();
      return;
    }
    if (!list.length) {
      this.potentialEl.replaceChildren(el('li', 'cl-status', t.t('cl.potential.empty')));
      return;
    }
    this.potentialEl.replaceChildren(
      ...list.map((entry) => {
        const li = el('li');
        const b = el('button', 'cl-potential-entry');
        b.type = 'button';
        b.dataset.id = entry.id;
        const names = entry.name_en || entry.name_bn ? t.unitNames({ name_en: entry.name_en ?? '', name_bn: entry.name_bn ?? '' }).primary : '';
        b.append(
          el('span', 'cl-potential-rank', t.t('cl.potential.rank', { rank: entry.rank })),
          el('span', 'cl-potential-name', names || t.t('cl.cluster', { id: entry.id })),
          el('span', 'cl-potential-kind', t.lookup(`cl.potential.kind.${entry.kind}`, entry.kind)),
        );
        const reasons = (entry.reasons ?? []).map((r) => t.lookup(`cl.reason.${r}`, r));
        if (reasons.length) b.append(el('span', 'cl-potential-reasons', reasons.join(' · ')));
        // The server's evidence is English; it is shown in English only.
        if (t.lang === 'en' && entry.evidence?.length) b.title = entry.evidence.join('\n');
        b.addEventListener('click', () => this.callbacks.onPickPotential(entry));
        li.append(b);
        return li;
      }),
    );
  }
}
