// The side panel of one admin unit: names in English and Bangla, level,
// parents, area and alternative names. Closable with its button or Escape.

import type { AdminUnit, UnitSummary } from '../../api';
import { errorText } from '../../core/errors';
import type { I18n } from '../../core/i18n';
import { el } from '../../core/dom';
import { PanelFrame } from '../../core/side-panel';

export interface PanelCallbacks {
  /** The user closed the panel. */
  onClose(): void;
  /** The user chose a parent unit. */
  onNavigate(pcode: string): void;
  /** The user asked to see the whole unit. */
  onZoomTo(unit: AdminUnit): void;
}

type Content =
  | { kind: 'closed' }
  | { kind: 'loading'; pcode: string }
  | { kind: 'error'; pcode: string; error: unknown }
  | { kind: 'unit'; unit: AdminUnit };

/** The clusters view's statistics levels, by admin level. */
const STAT_LEVEL: Partial<Record<number, string>> = { 2: 'district', 3: 'upazila', 4: 'union' };

/**
 * A link to the unit's profile in the clusters view (#view=clusters&sel=…):
 * following it switches views like any link, with a history entry.
 */
function profileLink(u: AdminUnit, t: I18n): HTMLAnchorElement {
  const q = new URLSearchParams({ view: 'clusters' });
  const level = STAT_LEVEL[u.level];
  if (level) q.set('level', level);
  q.set('sel', u.pcode);
  const a = el('a', 'unit-panel-profile', t.t('panel.profile'));
  a.href = '#' + q.toString();
  return a;
}

export class UnitPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLDivElement;
  private readonly frame: PanelFrame;
  private content: Content = { kind: 'closed' };

  constructor(
    parent: HTMLElement,
    private readonly i18n: I18n,
    private readonly callbacks: PanelCallbacks,
  ) {
    this.frame = new PanelFrame(parent, 'unit-panel', {
      i18n,
      closeLabel: 'panel.close',
      isOpen: () => this.isOpen,
      onClose: () => this.callbacks.onClose(),
      onLanguage: () => this.render(),
    });
    this.el = this.frame.el;
    this.el.id = 'unit-panel';
    this.body = this.frame.body;
    this.render();
  }

  get isOpen(): boolean {
    return this.content.kind !== 'closed';
  }

  /** The P-code shown (or being loaded), if any. */
  get pcode(): string | null {
    switch (this.content.kind) {
      case 'closed':
        return null;
      case 'unit':
        return this.content.unit.pcode;
      default:
        return this.content.pcode;
    }
  }

  showLoading(pcode: string): void {
    this.content = { kind: 'loading', pcode };
    this.render();
  }

  showUnit(unit: AdminUnit): void {
    this.content = { kind: 'unit', unit };
    this.render();
  }

  /** Shows why the unit could not be loaded (an ApiError, in the current language). */
  showError(pcode: string, error: unknown): void {
    this.content = { kind: 'error', pcode, error };
    this.render();
  }

  close(): void {
    this.content = { kind: 'closed' };
    this.render();
  }

  remove(): void {
    this.frame.remove();
  }

  private render(): void {
    const t = this.i18n;
    this.frame.show(this.content.kind !== 'closed');
    if (this.content.kind !== 'unit') this.el.removeAttribute('aria-labelledby');
    switch (this.content.kind) {
      case 'closed':
        this.body.replaceChildren();
        return;
      case 'loading':
        this.body.replaceChildren(el('p', 'unit-panel-status', t.t('panel.loading')));
        return;
      case 'error':
        this.body.replaceChildren(el('p', 'unit-panel-status error', t.t('panel.error', { message: errorText(t, this.content.error) })));
        return;
      case 'unit':
        this.renderUnit(this.content.unit);
    }
  }

  private renderUnit(u: AdminUnit): void {
    const t = this.i18n;
    const { primary, secondary } = t.unitNames(u);
    const header = el('header', 'unit-panel-header');
    header.append(el('div', 'unit-panel-level', t.levelName(u.level)));
    const h2 = el('h2', 'unit-panel-title', primary);
    h2.id = 'unit-panel-title';
    header.append(h2);
    if (secondary) header.append(el('div', 'unit-panel-subtitle', secondary));
    this.el.setAttribute('aria-labelledby', h2.id);

    const facts = el('dl', 'unit-panel-facts');
    const fact = (label: string, value: string | Node) => {
      const dd = el('dd');
      dd.append(value);
      facts.append(el('dt', '', label), dd);
    };
    fact(t.t('panel.level'), t.levelName(u.level));
    fact(t.t('panel.pcode'), u.pcode);
    if (u.area_km2 > 0) fact(t.t('panel.area'), t.t('panel.km2', { value: t.formatNumber(u.area_km2, u.area_km2 < 100 ? 1 : 0) }));
    if (u.level < 4 && u.children_count > 0) fact(t.t('panel.children'), t.formatNumber(u.children_count));

    const parts: Node[] = [header];
    if (u.parents?.length) {
      parts.push(el('h3', 'unit-panel-section', t.t('panel.parents')), this.parentsList(u.parents));
    }
    parts.push(facts);

    const alts = this.altNames(u);
    if (alts.length) {
      parts.push(el('h3', 'unit-panel-section', t.t('panel.altNames')), el('p', 'unit-panel-alts', alts.join(' · ')));
    }

    const zoom = el('button', 'unit-panel-zoom', t.t('panel.zoomTo'));
    zoom.type = 'button';
    zoom.addEventListener('click', () => this.callbacks.onZoomTo(u));
    parts.push(zoom, profileLink(u, t));
    this.body.replaceChildren(...parts);
  }

  private parentsList(parents: readonly UnitSummary[]): HTMLOListElement {
    const ol = el('ol', 'unit-panel-parents');
    for (const p of [...parents].sort((a, b) => a.level - b.level)) {
      const { primary, secondary } = this.i18n.unitNames(p);
      const li = el('li');
      const button = el('button', 'unit-panel-parent');
      button.type = 'button';
      button.dataset.pcode = p.pcode;
      button.append(el('span', 'unit-panel-parent-level', this.i18n.levelName(p.level)), el('span', 'unit-panel-parent-name', primary));
      if (secondary) button.append(el('span', 'unit-panel-parent-alt', secondary));
      button.addEventListener('click', () => this.callbacks.onNavigate(p.pcode));
      li.append(button);
      ol.append(li);
    }
    return ol;
  }

  /** Other spellings than the two names already shown, without repeats. */
  private altNames(u: AdminUnit): string[] {
    const seen = new Set([u.name_en, u.name_bn].map((s) => s?.toLowerCase()));
    const out: string[] = [];
    for (const name of [u.name_en_codab, ...(u.alt_names ?? []).map((a) => a.name)]) {
      const key = name?.toLowerCase();
      if (!key || seen.has(key)) continue;
      seen.add(key);
      out.push(name);
    }
    return out;
  }
}
