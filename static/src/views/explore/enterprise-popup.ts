// The popup of one enterprise: what the survey says about it and how it was
// placed on the map, in the interface language. renderEnterprise is plain
// DOM, testable on its own; EnterprisePopup loads the record and keeps a
// MapLibre popup in step with it (reloading it when a live update says it
// changed), with the editors' actions under it.

import { Popup, type LngLatLike, type Map as MapLibreMap } from 'maplibre-gl';
import { ApiError, fetchEnterprise, type AdminLevelKey, type Enterprise } from '../../api';
import { errorText } from '../../core/errors';
import type { I18n } from '../../core/i18n';
import type { SectorCatalogue } from '../../sectors';
import { el } from '../../core/dom';

const LEVELS: readonly AdminLevelKey[] = ['union', 'upazila', 'district', 'division'];

/** A code such as "raw_material_cost" as words. */
function words(s: string): string {
  return s.replace(/_/g, ' ');
}

/** The enterprise's admin units in the interface language, finest first. */
export function placeNames(e: Enterprise, i18n: I18n): string[] {
  const out: string[] = [];
  for (const level of LEVELS) {
    const n = e.admin_names?.[level];
    const name = n ? i18n.unitNames({ name_en: n.en, name_bn: n.bn }).primary : e.stated?.[level];
    if (name) out.push(name);
  }
  return out;
}

/** The sentence that says whether the point is a surveyed location. */
export function placementSentence(e: Enterprise, i18n: I18n): string {
  if (!e.display_point) return i18n.t('popup.gpsPoint');
  const [unit] = placeNames(e, i18n);
  return unit ? i18n.t('popup.displayPoint', { unit }) : i18n.t('popup.displayPointNoUnit');
}

/** A Synthetic-demo-data badge. */
export function syntheticBadge(i18n: I18n): HTMLElement {
  const badge = el('span', 'synthetic-badge', i18n.t('synthetic.badge'));
  badge.setAttribute('role', 'note');
  return badge;
}

/** The popup's content for one enterprise. */
export function renderEnterprise(e: Enterprise, catalogue: SectorCatalogue, i18n: I18n): HTMLElement {
  const t = i18n;
  const root = el('div', 'ent-popup');
  root.dataset.id = e.id;
  if (e.synthetic) root.append(syntheticBadge(t));

  const sector = el('div', 'ent-sector');
  const swatch = el('span', 'sector-swatch');
  swatch.style.background = catalogue.colour(e.sector);
  const { primary, secondary } = catalogue.names(e.sector, t);
  sector.append(swatch, el('span', 'ent-sector-name', primary));
  if (secondary) sector.append(el('span', 'ent-sector-alt', secondary));
  root.append(sector);

  const title = el('h3', 'ent-name', e.name?.trim() || t.t('popup.unnamed'));
  title.id = 'ent-popup-title';
  root.append(title);
  root.append(el('p', 'ent-placement' + (e.display_point ? ' display' : ''), placementSentence(e, t)));

  const facts = el('dl', 'ent-facts');
  const fact = (label: string, value: string | Node | null | undefined) => {
    if (value === null || value === undefined || value === '') return;
    const dd = el('dd');
    dd.append(value);
    facts.append(el('dt', '', label), dd);
  };
  if (e.sub_sector) fact(t.t('popup.subSector'), catalogue.subSectorName(e.sector, e.sub_sector, t));
  fact(t.t('popup.location'), placeNames(e, t).join(', '));

  const g = e.geocode ?? { method: 'none', score: 0 };
  const method = t.lookup('method.' + g.method, words(g.method));
  fact(t.t('popup.placedBy'), `${method} · ${t.t('popup.score', { score: t.formatNumber(g.score ?? 0, 2) })}`);
  const flags = g.flags ?? [];
  if (flags.length) {
    const ul = el('ul', 'ent-flags');
    for (const f of flags) {
      const li = el('li', '', t.lookup('flag.' + f, words(f)));
      li.dataset.flag = f;
      ul.append(li);
    }
    fact(t.t('popup.flags'), ul);
  }

  const emp = e.employment;
  if (emp) {
    const n = (x: number) => t.formatNumber(x);
    let jobs = t.t('popup.jobs', { total: n(emp.self + emp.wage), self: n(emp.self), wage: n(emp.wage) });
    if (emp.female !== undefined && emp.male !== undefined) {
      jobs += ' · ' + t.t('popup.genderSplit', { female: n(emp.female), male: n(emp.male) });
    }
    fact(t.t('popup.employment'), jobs);
  }
  if (e.owner_gender) fact(t.t('popup.owner'), t.lookup('gender.' + e.owner_gender, e.owner_gender));

  const recp: string[] = [];
  if (e.recp?.aware !== undefined) recp.push(t.t(e.recp.aware ? 'recp.aware' : 'recp.notAware'));
  if (e.recp?.adopted !== undefined) recp.push(t.t(e.recp.adopted ? 'recp.adopted' : 'recp.notAdopted'));
  if (recp.length) fact(t.t('popup.recp'), recp.join(' · '));
  const coded = (prefix: string, codes: readonly string[]) => codes.map((c) => t.lookup(prefix + c, words(c))).join(', ');
  if (e.recp?.practices?.length) fact(t.t('popup.practices'), coded('practice.', e.recp.practices));
  if (e.barriers?.length) fact(t.t('popup.barriers'), coded('barrier.', e.barriers));
  fact(t.t('popup.id'), e.id);
  root.append(facts);
  return root;
}

/**
 * EnterprisePopup shows one enterprise at a time in a MapLibre popup: a
 * loading line, then the record (or the error). It follows the interface
 * language, and Escape closes it before anything else hears the key.
 */
export class EnterprisePopup {
  private readonly popup: Popup;
  private readonly content: HTMLDivElement;
  private state: { id: string; enterprise?: Enterprise; error?: unknown } | null = null;
  private request?: AbortController;
  private actions: ((e: Enterprise) => HTMLElement | null) | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly map: MapLibreMap,
    private readonly i18n: I18n,
    private readonly catalogue: SectorCatalogue,
  ) {
    this.content = el('div', 'ent-popup-content');
    this.content.setAttribute('aria-live', 'polite');
    // closeOnClick would close the popup right after a click on another
    // point opened it there; the app closes it on clicks that hit no point.
    // Always above its point (no flipping as the content grows); the map pans
    // to show it whole.
    this.popup = new Popup({ maxWidth: '360px', className: 'guccho-popup', focusAfterOpen: true, offset: 10, closeOnClick: false, anchor: 'bottom' });
    this.popup.setDOMContent(this.content);
    this.popup.on('close', this.handleClose);
    this.unsubscribe = i18n.onChange(() => {
      this.render();
      this.keepInView();
    });
  }

  get isOpen(): boolean {
    return this.popup.isOpen();
  }

  /** The id of the enterprise shown, if any. */
  get id(): string | null {
    return this.state?.id ?? null;
  }

  /** The record shown, once loaded. */
  get enterprise(): Enterprise | null {
    return this.state?.enterprise ?? null;
  }

  /**
   * Sets what the popup offers under a record (the editors' Edit, Move and
   * Delete), or nothing; shown from the next render on.
   */
  setActions(fn: ((e: Enterprise) => HTMLElement | null) | null): void {
    this.actions = fn;
    this.render();
  }

  /** Opens the popup at lngLat and loads the enterprise. */
  async open(id: string, lngLat: LngLatLike): Promise<void> {
    this.place(lngLat);
    await this.load(id);
  }

  /** Opens the popup on a record already at hand (one just saved). */
  show(enterprise: Enterprise): void {
    this.request?.abort();
    this.place(enterprise.point);
    this.state = { id: enterprise.id, enterprise };
    this.render();
    this.keepInView();
  }

  /** Loads the shown enterprise again (it changed); closes the popup when it is gone. */
  async reload(): Promise<void> {
    if (this.state) await this.load(this.state.id, true);
  }

  private place(lngLat: LngLatLike): void {
    if (!this.popup.isOpen()) {
      this.popup.setLngLat(lngLat).addTo(this.map);
      document.addEventListener('keydown', this.handleKey, true);
    } else {
      this.popup.setLngLat(lngLat);
    }
  }

  private async load(id: string, quiet = false): Promise<void> {
    this.request?.abort();
    const ctrl = new AbortController();
    this.request = ctrl;
    if (!quiet) {
      this.state = { id };
      this.render();
    }
    try {
      const enterprise = await fetchEnterprise(id, ctrl.signal);
      if (ctrl.signal.aborted) return;
      this.state = { id, enterprise };
      // The record's own point is where it is drawn.
      if (enterprise.point) this.popup.setLngLat(enterprise.point);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      if (quiet && err instanceof ApiError && err.status === 404) return this.close();
      this.state = { id, error: err };
    }
    this.render();
    if (!quiet) this.keepInView();
  }

  /** Pans the map so the whole popup is inside it. */
  private keepInView(): void {
    const box = this.popup.getElement();
    if (!box || !this.popup.isOpen()) return;
    const r = box.getBoundingClientRect();
    const c = this.map.getContainer().getBoundingClientRect();
    const m = 12;
    const dy = r.top < c.top + m ? r.top - c.top - m : r.bottom > c.bottom - m ? r.bottom - c.bottom + m : 0;
    const dx = r.left < c.left + m ? r.left - c.left - m : r.right > c.right - m ? r.right - c.right + m : 0;
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
    if (dx || dy) this.map.panBy([dx, dy], { duration: reduced ? 0 : 300 });
  }

  close(): void {
    this.popup.remove();
  }

  remove(): void {
    this.close();
    this.popup.off('close', this.handleClose);
    this.unsubscribe();
  }

  private handleClose = (): void => {
    this.request?.abort();
    this.state = null;
    document.removeEventListener('keydown', this.handleKey, true);
  };

  private handleKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    this.close();
  };

  private render(): void {
    const s = this.state;
    const t = this.i18n;
    const closeButton = this.popup.getElement()?.querySelector('.maplibregl-popup-close-button');
    closeButton?.setAttribute('aria-label', t.t('popup.close'));
    if (!s) return this.content.replaceChildren();
    if (s.enterprise) {
      this.content.replaceChildren(renderEnterprise(s.enterprise, this.catalogue, t));
      const actions = this.actions?.(s.enterprise);
      if (actions) this.content.append(actions);
    }
    else if (s.error !== undefined) this.content.replaceChildren(el('p', 'ent-popup-status error', t.t('popup.error', { message: errorText(t, s.error) })));
    else this.content.replaceChildren(el('p', 'ent-popup-status', t.t('popup.loading')));
    // The popup places itself by its size: have it measure the new content.
    const at = this.popup.isOpen() ? this.popup.getLngLat() : undefined;
    if (at) this.popup.setLngLat(at);
    const box = this.popup.getElement();
    box?.setAttribute('role', 'dialog');
    if (s.enterprise) box?.setAttribute('aria-labelledby', 'ent-popup-title');
    else box?.removeAttribute('aria-labelledby');
  }
}
