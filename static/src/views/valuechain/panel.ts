// The panel of the selected actor or link (HTML, so Bangla is shaped),
// in the interface language with the other language's name beside it, and
// for editors the controls to edit and delete it in place, and the forms
// to add actors and links. Saving goes through the actions the view gives;
// a refused save shows the reason (errorText) and keeps the form.

import { errorText } from '../../core/errors';
import type { I18n, MessageKey } from '../../core/i18n';
import type { Actor, ActorInput, ChainDoc, Link, LinkInput } from './api';
import { ALL_ROLES, bottlenecksOf, FLOWS, flowOf, functionOf, keyActors, type Selected } from './model';
import { el } from '../../core/dom';

export interface PanelActions {
  saveActor(input: ActorInput, existing: string | null): Promise<void>;
  deleteActor(id: string): Promise<void>;
  saveLink(input: LinkInput, existing: string | null): Promise<void>;
  deleteLink(id: string): Promise<void>;
  select(sel: Selected | null): void;
  /** Asks before deleting (window.confirm in the app). */
  confirm(message: string): boolean;
}

/** A number typed into a form: undefined when blank, NaN when not a number ≥ 0. */
export function parseAmount(s: string): number | undefined {
  const t = s.trim().replace(/,/g, '');
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? n : NaN;
}

export class ChainPanel {
  readonly element: HTMLElement;
  private doc: ChainDoc | null = null;
  private sel: Selected | null = null;
  private editing: 'actor' | 'link' | 'newActor' | 'newLink' | null = null;
  private canEdit = false;

  constructor(
    private readonly i18n: I18n,
    private readonly actions: PanelActions,
  ) {
    this.element = el('aside', 'vc-panel');
    this.element.setAttribute('aria-live', 'polite');
    this.element.hidden = true;
  }

  get selected(): Selected | null {
    return this.sel;
  }

  /** Whether a form is open (a live update then waits for it). */
  get isEditing(): boolean {
    return this.editing !== null;
  }

  setEditable(on: boolean): void {
    this.canEdit = on;
    if (!on) this.editing = null;
    this.draw();
  }

  /** Shows the chain's version of the selection (after a reload or an edit elsewhere). */
  setChain(doc: ChainDoc): void {
    this.doc = doc;
    if (this.sel && !this.find(this.sel)) this.sel = null;
    if (!this.editing) this.draw();
  }

  show(sel: Selected | null): void {
    this.sel = sel;
    this.editing = null;
    this.draw();
  }

  /** Opens the form for a new actor or link. */
  startNew(kind: 'actor' | 'link'): void {
    this.editing = kind === 'actor' ? 'newActor' : 'newLink';
    this.draw();
  }

  redraw(): void {
    this.draw();
  }

  private find(sel: Selected): Actor | Link | undefined {
    return sel.kind === 'actor' ? this.doc?.actors.find((a) => a.id === sel.id) : this.doc?.links.find((l) => l.id === sel.id);
  }

  private roleName(role: string): string {
    return this.i18n.lookup(`vc.role.${role}`, role);
  }

  private names(a: Pick<Actor, 'name' | 'name_bn' | 'id'>): { primary: string; secondary: string } {
    const { primary, secondary } = this.i18n.unitNames({ name_en: a.name || a.id, name_bn: a.name_bn });
    return { primary, secondary };
  }

  private draw(): void {
    const root = this.element;
    root.replaceChildren();
    const doc = this.doc;
    if (!doc || (!this.sel && !this.editing)) {
      root.hidden = true;
      return;
    }
    root.hidden = false;
    const close = el('button', 'vc-panel-close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', this.i18n.t('vc.panel.close'));
    close.addEventListener('click', () => {
      this.editing = null;
      this.actions.select(null);
    });
    root.append(close);
    if (this.editing === 'newActor' || this.editing === 'actor') return this.actorForm(this.editing === 'actor' ? (this.find(this.sel!) as Actor) : null);
    if (this.editing === 'newLink' || this.editing === 'link') return this.linkForm(this.editing === 'link' ? (this.find(this.sel!) as Link) : null);
    const item = this.find(this.sel!);
    if (!item) {
      root.hidden = true;
      return;
    }
    if (this.sel!.kind === 'actor') this.actorView(item as Actor);
    else this.linkView(item as Link);
  }

  private row(dl: HTMLElement, key: MessageKey, value: string | Node): void {
    dl.append(el('dt', '', this.i18n.t(key)));
    const dd = el('dd');
    dd.append(value);
    dl.append(dd);
  }

  private actorView(a: Actor): void {
    const doc = this.doc!;
    const { primary, secondary } = this.names(a);
    const h = el('h2', 'vc-panel-title', primary);
    h.dataset.actor = a.id;
    this.element.append(h);
    if (secondary) this.element.append(el('p', 'vc-panel-secondary', secondary));
    const marks = el('p', 'vc-marks');
    if (keyActors(doc).has(a.id)) marks.append(el('span', 'vc-mark key', this.i18n.t('vc.panel.key')));
    if (bottlenecksOf(doc).actors.has(a.id)) marks.append(el('span', 'vc-mark bottleneck', this.i18n.t('vc.panel.bottleneck')));
    if (marks.childElementCount) this.element.append(marks);
    const dl = el('dl');
    this.row(dl, 'vc.panel.role', this.roleName(a.role));
    this.row(dl, 'vc.panel.function', this.i18n.t(`vc.fn.${functionOf(a.role)}`));
    if (a.admin) this.row(dl, 'vc.panel.place', a.admin);
    if (a.enterprise_id) this.row(dl, 'vc.panel.enterprise', a.enterprise_id);
    if (typeof a.lon !== 'number' || typeof a.lat !== 'number') this.row(dl, 'vc.panel.place', this.i18n.t('vc.panel.noLocation'));
    const stats = doc.analysis?.actors?.find((x) => x.id === a.id);
    if (stats) {
      this.row(dl, 'vc.panel.degree', `${this.i18n.formatNumber(stats.in_degree)} / ${this.i18n.formatNumber(stats.out_degree)}`);
      this.row(dl, 'vc.panel.betweenness', this.i18n.formatNumber(stats.betweenness_normalized, 3));
      if (stats.cuts_off_producers) this.row(dl, 'vc.panel.cuts', this.i18n.formatNumber(stats.cuts_off_producers));
    }
    this.element.append(dl);
    const links = doc.links.filter((l) => l.from === a.id || l.to === a.id);
    if (links.length) {
      this.element.append(el('h3', '', this.i18n.t('vc.panel.links')));
      const ul = el('ul', 'vc-panel-links');
      const byId = new Map(doc.actors.map((x) => [x.id, x]));
      for (const l of links.slice(0, 50)) {
        const other = byId.get(l.from === a.id ? l.to : l.from);
        const b = el('button', 'vc-link-button', `${l.from === a.id ? '→' : '←'} ${other ? this.names(other).primary : '?'} · ${this.i18n.t(`vc.flow.${flowOf(l)}` as MessageKey)}${l.product ? ' · ' + l.product : ''}`);
        b.type = 'button';
        b.addEventListener('click', () => this.actions.select({ kind: 'link', id: l.id }));
        const li = el('li');
        li.append(b);
        ul.append(li);
      }
      this.element.append(ul);
    }
    this.editButtons('actor', () => {
      if (this.actions.confirm(this.i18n.t('vc.edit.confirmActor', { name: primary }))) return this.actions.deleteActor(a.id);
      return null;
    });
  }

  private linkView(l: Link): void {
    const doc = this.doc!;
    const byId = new Map(doc.actors.map((x) => [x.id, x]));
    const from = byId.get(l.from);
    const to = byId.get(l.to);
    const title = el('h2', 'vc-panel-title', `${from ? this.names(from).primary : l.from} → ${to ? this.names(to).primary : l.to}`);
    title.dataset.link = l.id;
    this.element.append(title);
    if (bottlenecksOf(doc).links.has(l.id)) {
      const marks = el('p', 'vc-marks');
      marks.append(el('span', 'vc-mark bottleneck', this.i18n.t('vc.panel.bottleneck')));
      this.element.append(marks);
    }
    const dl = el('dl');
    this.row(dl, 'vc.panel.flow', this.i18n.t(`vc.flow.${flowOf(l)}` as MessageKey));
    const actorButton = (a: Actor | undefined, id: string) => {
      const b = el('button', 'vc-link-button', a ? this.names(a).primary : id);
      b.type = 'button';
      b.addEventListener('click', () => this.actions.select({ kind: 'actor', id }));
      return b;
    };
    this.row(dl, 'vc.panel.from', actorButton(from, l.from));
    this.row(dl, 'vc.panel.to', actorButton(to, l.to));
    if (l.product) this.row(dl, 'vc.panel.product', l.product);
    if (l.volume) this.row(dl, 'vc.panel.volume', `${this.i18n.formatNumber(l.volume, 2)} ${l.unit ?? ''}`.trim());
    if (l.value_bdt) this.row(dl, 'vc.panel.value', this.i18n.t('vc.panel.taka', { value: l.value_bdt }));
    if (l.period) this.row(dl, 'vc.panel.period', l.period);
    this.element.append(dl);
    this.editButtons('link', () => (this.actions.confirm(this.i18n.t('vc.edit.confirmLink')) ? this.actions.deleteLink(l.id) : null));
  }

  private editButtons(kind: 'actor' | 'link', remove: () => Promise<void> | null): void {
    if (!this.canEdit) return;
    const bar = el('div', 'vc-panel-actions');
    const edit = el('button', 'vc-edit', this.i18n.t('vc.edit.edit'));
    edit.type = 'button';
    edit.addEventListener('click', () => {
      this.editing = kind;
      this.draw();
    });
    const del = el('button', 'vc-delete', this.i18n.t('vc.edit.delete'));
    del.type = 'button';
    const status = el('p', 'vc-form-error');
    del.addEventListener('click', async () => {
      const p = remove();
      if (!p) return;
      del.disabled = true;
      try {
        await p;
      } catch (err) {
        status.textContent = errorText(this.i18n, err);
        del.disabled = false;
      }
    });
    bar.append(edit, del);
    this.element.append(bar, status);
  }

  private field(form: HTMLFormElement, name: string, label: MessageKey, input: HTMLInputElement | HTMLSelectElement): void {
    input.name = name;
    const lab = el('label', 'vc-field');
    lab.append(el('span', '', this.i18n.t(label)), input);
    form.append(lab);
  }

  private input(value: string | number | undefined | null, type = 'text'): HTMLInputElement {
    const i = el('input');
    i.type = type;
    i.value = value === undefined || value === null ? '' : String(value);
    return i;
  }

  private choice(options: { value: string; label: string }[], value: string): HTMLSelectElement {
    const s = el('select');
    for (const o of options) {
      const opt = el('option', '', o.label);
      opt.value = o.value;
      s.append(opt);
    }
    s.value = value;
    return s;
  }

  /** A form with its title; end() adds the Save and Cancel buttons after the fields. */
  private formShell(title: string, submit: (form: HTMLFormElement) => Promise<void> | string): { form: HTMLFormElement; end: () => void } {
    this.element.append(el('h2', 'vc-panel-title', title));
    const form = el('form', 'vc-form');
    form.noValidate = true;
    const status = el('p', 'vc-form-error');
    status.setAttribute('role', 'alert');
    const save = el('button', 'vc-save', this.i18n.t('vc.edit.save'));
    save.type = 'submit';
    const cancel = el('button', 'vc-cancel', this.i18n.t('vc.edit.cancel'));
    cancel.type = 'button';
    cancel.addEventListener('click', () => {
      this.editing = null;
      this.draw();
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const result = submit(form);
      if (typeof result === 'string') {
        status.textContent = result;
        return;
      }
      save.disabled = true;
      status.textContent = this.i18n.t('vc.edit.saving');
      try {
        await result;
        this.editing = null;
        this.draw();
      } catch (err) {
        status.textContent = this.i18n.t('vc.edit.failed', { message: errorText(this.i18n, err) });
        save.disabled = false;
      }
    });
    this.element.append(form);
    const end = () => {
      const bar = el('div', 'vc-panel-actions');
      bar.append(save, cancel);
      form.append(bar, status);
    };
    return { form, end };
  }

  private actorForm(a: Actor | null): void {
    const title = a ? this.names(a).primary : this.i18n.t('vc.edit.addActor');
    const roles = ALL_ROLES.map((r) => ({ value: r, label: this.roleName(r) }));
    const { form, end } = this.formShell(title, (f) => {
      const v = (n: string) => (f.elements.namedItem(n) as HTMLInputElement).value.trim();
      const id = a ? a.id : v('id');
      if (!id) return this.i18n.t('vc.edit.required', { field: this.i18n.t('vc.edit.id') });
      if (!v('name') && !v('name_bn')) return this.i18n.t('vc.edit.required', { field: this.i18n.t('vc.edit.name') });
      const lon = v('lon') ? Number(v('lon')) : null;
      const lat = v('lat') ? Number(v('lat')) : null;
      if (lon !== null && !(Math.abs(lon) <= 180)) return this.i18n.t('vc.edit.coordinate', { field: this.i18n.t('vc.edit.lon') });
      if (lat !== null && !(Math.abs(lat) <= 90)) return this.i18n.t('vc.edit.coordinate', { field: this.i18n.t('vc.edit.lat') });
      if ((lon === null) !== (lat === null)) return this.i18n.t('vc.edit.required', { field: this.i18n.t(lon === null ? 'vc.edit.lon' : 'vc.edit.lat') });
      const input: ActorInput = {
        id,
        name: v('name'),
        name_bn: v('name_bn'),
        role: v('role'),
        admin: v('admin'),
        sector: a?.sector ?? this.doc!.chain.sector,
        enterprise_id: a?.enterprise_id ?? '',
        lon,
        lat,
      };
      return this.actions.saveActor(input, a ? a.id : null);
    });
    if (!a) this.field(form, 'id', 'vc.edit.id', this.input(''));
    this.field(form, 'name', 'vc.edit.name', this.input(a?.name));
    this.field(form, 'name_bn', 'vc.edit.nameBn', this.input(a?.name_bn));
    this.field(form, 'role', 'vc.panel.role', this.choice(roles, a?.role ?? 'producer'));
    this.field(form, 'admin', 'vc.edit.admin', this.input(a?.admin));
    this.field(form, 'lon', 'vc.edit.lon', this.input(a?.lon));
    this.field(form, 'lat', 'vc.edit.lat', this.input(a?.lat));
    end();
  }

  private linkForm(l: Link | null): void {
    const doc = this.doc!;
    const actors = doc.actors.map((a) => ({ value: a.id, label: this.names(a).primary }));
    const from = l?.from ?? (this.sel?.kind === 'actor' ? this.sel.id : (actors[0]?.value ?? ''));
    const { form, end } = this.formShell(this.i18n.t(l ? 'vc.edit.edit' : 'vc.edit.addLink'), (f) => {
      const v = (n: string) => (f.elements.namedItem(n) as HTMLInputElement).value.trim();
      if (v('from') === v('to')) return this.i18n.t('vc.edit.sameActor');
      const volume = parseAmount(v('volume'));
      const value = parseAmount(v('value_bdt'));
      if (Number.isNaN(volume)) return this.i18n.t('vc.edit.number', { field: this.i18n.t('vc.panel.volume') });
      if (Number.isNaN(value)) return this.i18n.t('vc.edit.number', { field: this.i18n.t('vc.edit.valueBdt') });
      if (volume && !v('unit')) return this.i18n.t('vc.edit.required', { field: this.i18n.t('vc.edit.unit') });
      const input: LinkInput = {
        from: v('from'),
        to: v('to'),
        flow: v('flow'),
        product: v('product'),
        volume: volume ?? 0,
        unit: v('unit'),
        value_bdt: value ?? 0,
        period: v('period'),
      };
      return this.actions.saveLink(input, l ? l.id : null);
    });
    this.field(form, 'from', 'vc.panel.from', this.choice(actors, from));
    this.field(form, 'to', 'vc.panel.to', this.choice(actors, l?.to ?? actors.find((x) => x.value !== from)?.value ?? ''));
    this.field(form, 'flow', 'vc.panel.flow', this.choice(FLOWS.map((f) => ({ value: f, label: this.i18n.t(`vc.flow.${f}`) })), l ? flowOf(l) : 'goods'));
    this.field(form, 'product', 'vc.panel.product', this.input(l?.product));
    this.field(form, 'volume', 'vc.panel.volume', this.input(l?.volume || ''));
    this.field(form, 'unit', 'vc.edit.unit', this.input(l?.unit));
    this.field(form, 'value_bdt', 'vc.edit.valueBdt', this.input(l?.value_bdt || ''));
    this.field(form, 'period', 'vc.panel.period', this.input(l?.period));
    end();
  }
}
