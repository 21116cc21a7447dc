// The review view (#view=review&import=<id>): the rows of an import that the
// geocoder did not place at upazila level, placed with a low score or with a
// contradiction, each with its place fields as written, why it is here and
// the units it might mean. An editor accepts a suggestion, picks the unit on
// the map (a click on the admin fills) or from a search, or marks the row
// not placeable; the server moves the enterprise (a live edit like any
// other) and learns the fix as an alias for later imports. Decided rows move
// to the "decided" list. Reached from an import's report ("Review N rows").

import { geocode, type GeocodeResult } from '../../api';
import { el } from '../../core/dom';
import { errorText } from '../../core/errors';
import type { I18n, MessageKey } from '../../core/i18n';
import { canEdit } from '../../core/session';
import type { View, ViewContext } from '../../core/view';
import { addAdminLayers, ADMIN_LEVELS, fillLayerId, finestLevelAt } from '../explore/admin-layers';
import {
  decide,
  deleteAlias,
  exportAliases,
  fetchAliases,
  fetchImportHead,
  fetchReview,
  importAliases,
  type Alias,
  type ReviewItem,
  type Suggestion,
} from './api';
import './review.css';
import './strings';

type Tab = 'open' | 'decided';
type DecisionBody = Parameters<typeof decide>[2];

const FIELDS = ['division', 'district', 'upazila', 'union'] as const;

/** A unit for people: "Bhairab (ভৈরব), Kishoreganj". */
function unitLabel(i18n: I18n, s: Pick<Suggestion, 'name' | 'name_bn' | 'parent'>): string {
  const names = i18n.unitNames({ name_en: s.name, name_bn: s.name_bn ?? '' });
  const both = names.secondary ? `${names.primary} (${names.secondary})` : names.primary;
  return s.parent ? `${both}, ${s.parent}` : both;
}

export class ReviewView implements View {
  readonly params = ['import'] as const;
  /** The rows shown, by tab (while mounted). */
  items: Record<Tab, ReviewItem[]> = { open: [], decided: [] };
  counts: Record<Tab, number> = { open: 0, decided: 0 };
  /** The learnt aliases, for admins (null for others). */
  aliases: Alias[] | null = null;
  private aliasNote = '';
  /** The row whose unit is being picked on the map, or null. */
  picking: ReviewItem | null = null;
  private ctx: ViewContext | null = null;
  private pane: HTMLElement | null = null;
  private importID = '';
  private filename = '';
  private tab: Tab = 'open';
  private state: 'idle' | 'loading' | 'error' = 'idle';
  private error = '';
  /** Per row: an error of its last decision, or "saving". */
  private rowNote = new Map<number, string>();
  /** Per row: the search results shown. */
  private found = new Map<number, GeocodeResult[]>();
  private loads = 0;

  async mount(ctx: ViewContext): Promise<void> {
    this.ctx = ctx;
    const { layers, root, i18n, session, map } = ctx;
    const pane = el('section', 'rv-pane');
    pane.setAttribute('aria-label', i18n.t('review.title'));
    root.append(pane);
    this.pane = pane;
    layers.track(() => pane.remove());
    layers.track(i18n.onChange(() => this.render()));
    layers.track(session.onChange(() => void this.load()));
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && this.picking) this.stopPicking();
    };
    document.addEventListener('keydown', onKey);
    layers.track(() => document.removeEventListener('keydown', onKey));
    layers.track(() => (map.getCanvas().style.cursor = ''));
    (window as unknown as { __gucchoReview?: ReviewView }).__gucchoReview = this;
    layers.track(() => delete (window as unknown as { __gucchoReview?: ReviewView }).__gucchoReview);

    this.importID = ctx.params.import ?? '';
    this.render();
    await ctx.loaded;
    if (!this.ctx) return;
    addAdminLayers(layers, location.origin, ctx.basemap);
    layers.listen('click', (e) => {
      const item = this.picking;
      if (!item) return;
      const level = finestLevelAt(map.getZoom());
      const ids = ADMIN_LEVELS.filter((l) => l.level <= level.level).map(fillLayerId).reverse();
      const hits = map.queryRenderedFeatures(e.point, { layers: ids.filter((id) => map.getLayer(id)) });
      const pcode = hits.map((f) => String(f.properties?.pcode ?? '')).find((p) => p.length > 0);
      if (!pcode) return;
      this.stopPicking();
      void this.send(item, { action: 'pick', pcode });
    });
    await ctx.sessionRestored;
    await this.load();
  }

  update(params: Readonly<Record<string, string>>): void {
    if ((params.import ?? '') === this.importID) return;
    this.importID = params.import ?? '';
    this.stopPicking();
    void this.load();
  }

  unmount(): void {
    this.ctx = null;
    this.pane = null;
    this.picking = null;
  }

  /** Loads both lists of the import. */
  async load(): Promise<void> {
    const ctx = this.ctx;
    const token = ctx?.session.bearer;
    if (!ctx || !this.importID || !token || !canEdit(ctx.session.me)) {
      this.items = { open: [], decided: [] };
      this.render();
      return;
    }
    const n = ++this.loads;
    this.state = 'loading';
    this.render();
    try {
      const [open, decided, head] = await Promise.all([
        fetchReview(this.importID, 'open', token),
        fetchReview(this.importID, 'decided', token),
        this.filename ? Promise.resolve(null) : fetchImportHead(this.importID, token),
      ]);
      if (n !== this.loads || !this.ctx) return;
      this.items = { open: open.items, decided: decided.items };
      this.counts = { open: open.open, decided: open.decided };
      if (head) this.filename = head.filename;
      this.state = 'idle';
      this.aliases = ctx.session.me?.role === 'admin' ? await fetchAliases(token) : null;
      if (n !== this.loads || !this.ctx) return;
    } catch (err) {
      if (n !== this.loads || !this.ctx) return;
      this.state = 'error';
      this.error = errorText(ctx.i18n, err);
    }
    this.render();
  }

  /** Sends a decision; the row moves to the decided list. */
  async send(item: ReviewItem, body: DecisionBody): Promise<void> {
    const ctx = this.ctx;
    const token = ctx?.session.bearer;
    if (!ctx || !token) return;
    this.rowNote.set(item.row, 'saving');
    this.render();
    try {
      const decided = await decide(this.importID, item.row, body, token);
      this.rowNote.delete(item.row);
      this.found.delete(item.row);
      this.items.open = this.items.open.filter((x) => x.row !== item.row);
      this.items.decided = [...this.items.decided, decided].sort((a, b) => a.row - b.row);
      this.counts = { open: this.counts.open - 1, decided: this.counts.decided + 1 };
      if (this.aliases && decided.decision?.alias_id) this.aliases = await fetchAliases(token);
    } catch (err) {
      this.rowNote.set(item.row, errorText(ctx.i18n, err));
    }
    this.render();
  }

  private startPicking(item: ReviewItem): void {
    this.picking = item;
    if (this.ctx) this.ctx.map.getCanvas().style.cursor = 'crosshair';
    this.render();
  }

  private stopPicking(): void {
    this.picking = null;
    if (this.ctx) this.ctx.map.getCanvas().style.cursor = '';
    this.render();
  }

  private async search(item: ReviewItem, q: string): Promise<void> {
    if (!q.trim()) return;
    try {
      const res = await geocode(q, 8);
      this.found.set(item.row, res.results.filter((r) => r.level >= 1));
    } catch (err) {
      this.rowNote.set(item.row, errorText(this.ctx!.i18n, err));
    }
    this.render();
  }

  /** Draws the pane from the view's state. */
  render(): void {
    const ctx = this.ctx;
    const pane = this.pane;
    if (!ctx || !pane) return;
    const t = ctx.i18n;
    const parts: HTMLElement[] = [el('h2', 'rv-title', t.t('review.title'))];
    if (this.filename) parts.push(el('p', 'rv-file', t.t('review.file', { name: this.filename })));
    if (!this.importID) {
      parts.push(el('p', 'rv-note', t.t('review.noImport')));
    } else if (!ctx.session.bearer || !canEdit(ctx.session.me)) {
      parts.push(el('p', 'rv-note', t.t('review.signIn')));
    } else if (this.state === 'error') {
      parts.push(el('p', 'rv-note rv-error', t.t('review.error', { message: this.error })));
    } else {
      const tabs = el('div', 'rv-tabs');
      tabs.setAttribute('role', 'tablist');
      for (const tab of ['open', 'decided'] as const) {
        const b = el('button', 'rv-tab', t.t(`review.${tab}`, { n: this.counts[tab] }));
        b.type = 'button';
        b.dataset.tab = tab;
        b.setAttribute('role', 'tab');
        b.setAttribute('aria-selected', String(this.tab === tab));
        b.addEventListener('click', () => {
          this.tab = tab;
          this.render();
        });
        tabs.append(b);
      }
      parts.push(tabs);
      if (this.picking) parts.push(el('p', 'rv-pick-hint', t.t('review.pickHint')));
      if (this.state === 'loading') parts.push(el('p', 'rv-note', t.t('review.loading')));
      const list = el('ol', 'rv-list');
      list.dataset.tab = this.tab;
      for (const item of this.items[this.tab]) list.append(this.renderItem(item));
      if (!this.items[this.tab].length && this.state === 'idle') {
        parts.push(el('p', 'rv-note rv-empty', t.t(this.tab === 'open' ? 'review.emptyOpen' : 'review.emptyDecided')));
      }
      parts.push(list);
      if (this.aliases) parts.push(this.renderAliases(this.aliases));
    }
    pane.replaceChildren(...parts);
  }

  /** The admins' section: the learnt aliases, each removable, with CSV export and import. */
  private renderAliases(aliases: Alias[]): HTMLElement {
    const ctx = this.ctx!;
    const t = ctx.i18n;
    const token = ctx.session.bearer ?? '';
    const box = el('section', 'rv-aliases');
    box.append(el('h3', 'rv-sub', t.t('review.aliases', { n: aliases.length })));
    const ul = el('ul', 'rv-alias-list');
    for (const a of aliases) {
      const li = el('li', 'rv-alias-item');
      li.dataset.id = String(a.id);
      const where = a.within ? t.t('review.within', { pcode: a.within }) : t.t('review.nationwide');
      const b = el('button', 'rv-alias-remove', t.t('review.remove'));
      b.type = 'button';
      b.addEventListener('click', () =>
        void this.aliasAction(async () => {
          await deleteAlias(a.id, token);
          this.aliases = (this.aliases ?? []).filter((x) => x.id !== a.id);
        }),
      );
      li.append(el('span', 'rv-alias-text', t.t('review.aliasLine', { level: t.lookup(`review.field.${a.level}`, a.level), name: a.name, where, pcode: a.pcode })), b);
      ul.append(li);
    }
    const tools = el('div', 'rv-actions');
    const exp = el('button', 'rv-alias-export', t.t('review.export'));
    exp.type = 'button';
    exp.addEventListener('click', () =>
      void this.aliasAction(async () => {
        const a = el('a');
        a.href = URL.createObjectURL(await exportAliases(token));
        a.download = 'guccho-aliases.csv';
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      }),
    );
    const label = el('label', 'rv-alias-import', t.t('review.importCSV'));
    const file = el('input', 'rv-alias-file');
    file.type = 'file';
    file.accept = '.csv,text/csv';
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (!f) return;
      void this.aliasAction(async () => {
        const r = await importAliases(await f.text(), token);
        this.aliases = await fetchAliases(token);
        return t.t('review.imported', { rows: r.rows, created: r.created });
      });
    });
    label.append(file);
    tools.append(exp, label);
    box.append(ul, tools);
    if (this.aliasNote) box.append(el('p', 'rv-note rv-alias-note', this.aliasNote));
    return box;
  }

  /** Runs an admin's alias action and shows its outcome. */
  private async aliasAction(fn: () => Promise<string | void>): Promise<void> {
    try {
      this.aliasNote = (await fn()) ?? '';
    } catch (err) {
      this.aliasNote = this.ctx ? errorText(this.ctx.i18n, err) : '';
    }
    this.render();
  }

  private renderItem(item: ReviewItem): HTMLElement {
    const t = this.ctx!.i18n;
    const li = el('li', 'rv-item');
    li.dataset.row = String(item.row);
    li.dataset.enterprise = item.enterprise_id;
    const head = el('header', 'rv-item-head');
    head.append(el('span', 'rv-row', t.t('review.row', { row: item.row })), el('span', 'rv-name', item.name));
    li.append(head);

    const fields = el('dl', 'rv-fields');
    fields.setAttribute('aria-label', t.t('review.stated'));
    for (const f of FIELDS) {
      const v = item.stated[f];
      if (!v) continue;
      const box = el('div', 'rv-field');
      box.dataset.field = f;
      box.append(el('dt', '', t.t(`review.field.${f}` as MessageKey)), el('dd', '', v));
      fields.append(box);
    }
    li.append(fields);
    const reasons = el('ul', 'rv-reasons');
    for (const r of item.reasons) reasons.append(el('li', 'rv-reason', t.lookup(`review.reason.${r}`, r)));
    for (const f of item.geocode.flags ?? []) reasons.append(el('li', 'rv-flag', t.lookup(`flag.${f}`, f)));
    li.append(reasons, el('p', 'rv-placed', t.t('review.placed', { method: t.lookup(`method.${item.geocode.method}`, item.geocode.method), score: t.formatNumber(item.geocode.score, 2) })));

    if (item.status === 'decided' && item.decision) {
      const d = item.decision;
      const unit = this.describe(item, d.pcode ?? '');
      const p = el('p', 'rv-decision', t.t(`review.decision.${d.action}` as MessageKey, { unit }));
      p.dataset.action = d.action;
      li.append(p);
      if (d.alias_id) li.append(el('p', 'rv-alias', t.t('review.alias')));
      return li;
    }

    const sugg = item.suggestions ?? [];
    li.append(el('h3', 'rv-sub', t.t('review.suggestions')));
    if (!sugg.length) li.append(el('p', 'rv-note', t.t('review.noSuggestion')));
    const ul = el('ul', 'rv-suggestions');
    for (const s of sugg) {
      const row = el('li', 'rv-suggestion');
      row.dataset.pcode = s.pcode;
      const b = el('button', 'rv-accept', t.t('review.accept'));
      b.type = 'button';
      b.addEventListener('click', () => void this.send(item, { action: 'accept', pcode: s.pcode }));
      row.append(el('span', 'rv-unit', unitLabel(t, s)), el('span', 'rv-level', t.lookup(`review.field.${s.level}`, s.level)), el('span', 'rv-score', t.formatNumber(s.score, 2)), b);
      ul.append(row);
    }
    li.append(ul);

    const actions = el('div', 'rv-actions');
    const pick = el('button', 'rv-pick', this.picking === item ? t.t('review.cancel') : t.t('review.pickMap'));
    pick.type = 'button';
    pick.setAttribute('aria-pressed', String(this.picking === item));
    pick.addEventListener('click', () => (this.picking === item ? this.stopPicking() : this.startPicking(item)));
    const none = el('button', 'rv-unplaceable', t.t('review.unplaceable'));
    none.type = 'button';
    none.addEventListener('click', () => void this.send(item, { action: 'unplaceable' }));
    actions.append(pick, none);
    li.append(actions);

    const form = el('form', 'rv-search');
    const input = el('input', 'rv-search-input');
    input.type = 'search';
    input.placeholder = t.t('review.search');
    input.setAttribute('aria-label', t.t('review.search'));
    const go = el('button', 'rv-search-go', t.t('review.searchGo'));
    go.type = 'submit';
    form.append(input, go);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.search(item, input.value);
    });
    li.append(form);
    const results = this.found.get(item.row);
    if (results) {
      const rl = el('ul', 'rv-results');
      if (!results.length) rl.append(el('li', 'rv-note', t.t('review.searchNone')));
      for (const r of results) {
        const row = el('li', 'rv-result');
        row.dataset.pcode = r.pcode;
        const parent = r.parents?.find((p) => p.level === 2) ?? r.parents?.[r.parents.length - 1];
        const b = el('button', 'rv-choose', t.t('review.choose'));
        b.type = 'button';
        b.addEventListener('click', () => void this.send(item, { action: 'pick', pcode: r.pcode }));
        row.append(el('span', 'rv-unit', unitLabel(t, { name: r.name_en, name_bn: r.name_bn, parent: parent && parent.pcode !== r.pcode ? parent.name_en : '' })), el('span', 'rv-level', t.levelName(r.level)), b);
        rl.append(row);
      }
      li.append(rl);
    }
    const note = this.rowNote.get(item.row);
    if (note) li.append(el('p', note === 'saving' ? 'rv-note' : 'rv-note rv-error', note === 'saving' ? t.t('review.saving') : t.t('review.failed', { message: note })));
    return li;
  }

  /** The chosen unit of a decided row, named from its suggestions when it is one, else by P-code. */
  private describe(item: ReviewItem, pcode: string): string {
    const s = (item.suggestions ?? []).find((x) => x.pcode === pcode);
    return s ? unitLabel(this.ctx!.i18n, s) : pcode;
  }
}

export function createView(): View {
  return new ReviewView();
}
