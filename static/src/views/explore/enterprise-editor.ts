// Editing enterprises on the map (editors and administrators): "Add
// enterprise" waits for a click on the map and opens the form there; an
// enterprise's popup offers Edit (the same form, filled in), Move (click the
// new place, confirm) and Delete (confirm). Saves go to the API; the map
// learns of them like of anyone's change, from the websocket (onSaved is
// told what changed, for when the socket is down).

import './editor.css';
import { Popup, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import {
  createEnterprise,
  deleteEnterprise,
  updateEnterprise,
  type Enterprise,
  type EnterpriseInput,
  type LonLat,
} from '../../api';
import { EnterpriseForm, enterpriseBody, initialValues } from './enterprise-form';
import type { EnterprisePopup } from './enterprise-popup';
import { errorText } from '../../core/errors';
import type { I18n } from '../../core/i18n';
import type { EnterpriseChange } from '../../live';
import type { SectorCatalogue } from '../../sectors';
import { canEdit, type Session } from '../../core/session';
import { el } from '../../core/dom';

export interface EditorAPI {
  create(body: EnterpriseInput, token: string): Promise<Enterprise>;
  update(id: string, body: EnterpriseInput, token: string): Promise<Enterprise>;
  remove(id: string, token: string): Promise<void>;
}

const defaultAPI: EditorAPI = { create: createEnterprise, update: updateEnterprise, remove: deleteEnterprise };

/** The change a save made, as the server would announce it. */
export function changeOf(action: 'created' | 'updated' | 'deleted', id: string, sector: string, ...points: (LonLat | undefined)[]): EnterpriseChange {
  const placed = points.filter((p): p is LonLat => Array.isArray(p));
  return { action, count: 1, ids: [id], sectors: [sector], points: placed };
}

function button(cls: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', cls, text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

type Picking = { kind: 'add' } | { kind: 'move'; enterprise: Enterprise };

export class EnterpriseEditor {
  private picking: Picking | null = null;
  private readonly hint: HTMLElement;
  private readonly hintText: HTMLElement;
  private readonly popup: Popup;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly map: MapLibreMap,
    private readonly i18n: I18n,
    private readonly catalogue: SectorCatalogue,
    private readonly session: Session,
    private readonly entPopup: EnterprisePopup,
    /** Told of every saved change (the app applies it when the socket is down). */
    private readonly onSaved: (change: EnterpriseChange) => void,
    private readonly api: EditorAPI = defaultAPI,
  ) {
    this.hint = el('div', 'edit-hint');
    this.hint.setAttribute('role', 'status');
    this.hint.hidden = true;
    this.hintText = el('span', 'edit-hint-text');
    this.hint.append(this.hintText, button('edit-hint-cancel', '', () => this.cancel()));
    map.getContainer().append(this.hint);
    this.popup = new Popup({ className: 'guccho-popup guccho-edit-popup', maxWidth: '340px', closeOnClick: false, anchor: 'bottom', offset: 10 });
    map.on('click', this.handleClick);
    this.unsubscribe.push(
      session.onChange(() => {
        if (!canEdit(session.me)) this.cancel();
        this.entPopup.setActions(canEdit(session.me) ? (e) => this.actionsFor(e) : null);
      }),
      i18n.onChange(() => this.renderHint()),
    );
    this.entPopup.setActions(canEdit(session.me) ? (e) => this.actionsFor(e) : null);
  }

  /** Whether the next map click belongs to the editor (others should ignore it). */
  get isPicking(): boolean {
    return this.picking !== null;
  }

  /** Waits for a click on the map, then opens the form for a new enterprise there. */
  startAdd(): void {
    if (!canEdit(this.session.me)) return;
    this.closeForm();
    this.entPopup.close();
    this.setPicking({ kind: 'add' });
  }

  /** Opens the form for e at its point. */
  edit(e: Enterprise): void {
    this.cancel();
    this.entPopup.close();
    const form = new EnterpriseForm(this.i18n, this.catalogue, {
      enterprise: e,
      onSave: async (body) => {
        const saved = await this.api.update(e.id, body, this.token());
        this.closeForm();
        this.onSaved(changeOf('updated', e.id, e.sector, e.point, saved.point));
        this.entPopup.show(saved);
      },
      onCancel: () => this.closeForm(),
    });
    this.openForm(e.point, form.el);
    form.focus();
  }

  /** Waits for a click on the new place of e, then asks to confirm the move. */
  startMove(e: Enterprise): void {
    this.closeForm();
    this.entPopup.close();
    this.setPicking({ kind: 'move', enterprise: e });
  }

  /** Ends picking and closes the form. */
  cancel(): void {
    this.setPicking(null);
    this.closeForm();
  }

  remove(): void {
    this.cancel();
    this.map.off('click', this.handleClick);
    for (const off of this.unsubscribe.splice(0)) off();
    this.entPopup.setActions(null);
    this.hint.remove();
  }

  /** Edit, Move and Delete under an enterprise's popup. */
  actionsFor(e: Enterprise): HTMLElement {
    const t = this.i18n;
    const box = el('div', 'ent-actions');
    const status = el('p', 'ent-actions-status');
    status.setAttribute('role', 'alert');
    status.hidden = true;
    const main = el('div', 'ent-actions-row');
    const confirm = el('div', 'ent-actions-confirm');
    confirm.hidden = true;
    const name = e.name?.trim() || t.t('popup.unnamed');
    const question = el('p', 'ent-actions-question', t.t('edit.deleteConfirm', { name }));
    const yes = button('ent-delete-confirm', t.t('edit.deleteYes'), async () => {
      yes.disabled = true;
      yes.textContent = t.t('edit.working');
      try {
        await this.api.remove(e.id, this.token());
        this.entPopup.close();
        this.onSaved(changeOf('deleted', e.id, e.sector, e.point));
      } catch (err) {
        yes.disabled = false;
        yes.textContent = t.t('edit.deleteYes');
        status.textContent = t.t('edit.deleteError', { message: errorText(t, err) });
        status.hidden = false;
      }
    });
    const no = button('ent-delete-cancel', t.t('edit.cancel'), () => {
      confirm.hidden = true;
      main.hidden = false;
      status.hidden = true;
    });
    confirm.append(question, no, yes);
    main.append(
      button('ent-edit', t.t('edit.edit'), () => this.edit(e)),
      button('ent-move', t.t('edit.move'), () => this.startMove(e)),
      button('ent-delete', t.t('edit.delete'), () => {
        main.hidden = true;
        confirm.hidden = false;
        no.focus();
      }),
    );
    box.append(main, confirm, status);
    return box;
  }

  private token(): string {
    return this.session.bearer ?? '';
  }

  private setPicking(p: Picking | null): void {
    this.picking = p;
    this.map.getCanvas().style.cursor = p ? 'crosshair' : '';
    this.map.getContainer().classList.toggle('picking', Boolean(p));
    if (p) document.addEventListener('keydown', this.handleKey, true);
    else if (!this.popup.isOpen()) document.removeEventListener('keydown', this.handleKey, true);
    this.renderHint();
  }

  private renderHint(): void {
    const p = this.picking;
    this.hint.hidden = !p;
    if (!p) return;
    const t = this.i18n;
    this.hintText.textContent =
      p.kind === 'add' ? t.t('edit.addHint') : t.t('edit.moveHint', { name: p.enterprise.name?.trim() || t.t('popup.unnamed') });
    this.hint.querySelector('button')!.textContent = t.t('edit.cancel');
  }

  private handleClick = (e: MapMouseEvent): void => {
    const p = this.picking;
    if (!p) return;
    const at: LonLat = [Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))];
    // Picking ends once this click has been dispatched, so that the map's
    // other click handlers, whichever run after this one, still leave it be.
    queueMicrotask(() => {
      if (this.picking === p) this.setPicking(null);
    });
    if (p.kind === 'add') this.openAdd(at);
    else this.confirmMove(p.enterprise, at);
  };

  private handleKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    e.stopPropagation();
    this.cancel();
  };

  private openAdd(at: LonLat): void {
    const form = new EnterpriseForm(this.i18n, this.catalogue, {
      at,
      onSave: async (body) => {
        const saved = await this.api.create(body, this.token());
        this.closeForm();
        this.onSaved(changeOf('created', saved.id, saved.sector, saved.point));
        this.entPopup.show(saved);
      },
      onCancel: () => this.closeForm(),
    });
    this.openForm(at, form.el);
    form.focus();
  }

  private confirmMove(e: Enterprise, at: LonLat): void {
    const t = this.i18n;
    const box = el('div', 'ent-move');
    const name = e.name?.trim() || t.t('popup.unnamed');
    const status = el('p', 'ent-form-status');
    status.setAttribute('role', 'alert');
    status.hidden = true;
    const yes = button('ent-move-confirm', t.t('edit.moveHere'), async () => {
      yes.disabled = true;
      yes.textContent = t.t('edit.working');
      try {
        const saved = await this.api.update(e.id, enterpriseBody(initialValues(e), at, e), this.token());
        this.closeForm();
        this.onSaved(changeOf('updated', e.id, e.sector, e.point, saved.point));
        this.entPopup.show(saved);
      } catch (err) {
        yes.disabled = false;
        yes.textContent = t.t('edit.moveHere');
        status.textContent = t.t('edit.moveError', { message: errorText(t, err) });
        status.hidden = false;
      }
    });
    const actions = el('div', 'ent-form-actions');
    actions.append(button('ent-move-cancel', t.t('edit.cancel'), () => this.closeForm()), yes);
    box.append(el('p', 'ent-move-question', t.t('edit.moveConfirm', { name })), el('p', 'ent-form-at', t.t('edit.at', { lat: at[1].toFixed(5), lon: at[0].toFixed(5) })), status, actions);
    this.openForm(at, box);
    yes.focus();
  }

  private openForm(at: LonLat, content: HTMLElement): void {
    this.popup.setDOMContent(content).setLngLat(at).addTo(this.map);
    this.popup.getElement()?.setAttribute('role', 'dialog');
    document.addEventListener('keydown', this.handleKey, true);
  }

  private closeForm(): void {
    if (this.popup.isOpen()) this.popup.remove();
    if (!this.picking) document.removeEventListener('keydown', this.handleKey, true);
  }
}
