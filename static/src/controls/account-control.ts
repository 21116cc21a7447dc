// AccountControl: sign in with an API token, see who is signed in and in
// which role, run the shown view's actions for editors and administrators
// (explore: add an enterprise on the map, open the survey import), and sign
// out. The shell owns the control; views set and clear their actions. The token form folds out of the control; Escape folds it away.

import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import { ApiError } from '../api';
import { errorText } from '../core/errors';
import type { I18n } from '../core/i18n';
import { canEdit, canImport, type Session } from '../core/session';
import { el } from '../core/dom';

function button(cls: string): HTMLButtonElement {
  const b = el('button', cls);
  b.type = 'button';
  return b;
}

export class AccountControl implements IControl {
  private container?: HTMLElement;
  private signInButton?: HTMLButtonElement;
  private who?: HTMLElement;
  private importButton?: HTMLButtonElement;
  private addButton?: HTMLButtonElement;
  private signOutButton?: HTMLButtonElement;
  private form?: HTMLFormElement;
  private formHelp?: HTMLElement;
  private tokenLabel?: HTMLLabelElement;
  private tokenInput?: HTMLInputElement;
  private submitButton?: HTMLButtonElement;
  private cancelButton?: HTMLButtonElement;
  private status?: HTMLElement;
  private formOpen = false;
  private busy = false;
  private error = '';
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly i18n: I18n,
    private readonly session: Session,
    /** Opens the survey import; no button without it. */
    private onImport?: () => void,
    /** Starts adding an enterprise on the map; no button without it. */
    private onAddEnterprise?: () => void,
  ) {}

  /** Sets the actions of the view shown (none: their buttons go). */
  setActions(actions: { onImport?: () => void; onAddEnterprise?: () => void }): void {
    this.onImport = actions.onImport;
    this.onAddEnterprise = actions.onAddEnterprise;
    this.render();
  }

  onAdd(_map: MapLibreMap): HTMLElement {
    const container = el('div', 'maplibregl-ctrl guccho-account');
    this.signInButton = button('guccho-account-signin');
    this.signInButton.setAttribute('aria-controls', 'guccho-signin-form');
    this.signInButton.addEventListener('click', this.handleOpenForm);
    this.who = el('span', 'guccho-account-who');
    this.importButton = button('guccho-account-import');
    this.importButton.addEventListener('click', this.handleImport);
    this.addButton = button('guccho-account-add');
    this.addButton.addEventListener('click', this.handleAdd);
    this.signOutButton = button('guccho-account-signout');
    this.signOutButton.addEventListener('click', this.handleSignOut);

    this.form = el('form', 'guccho-signin');
    this.form.id = 'guccho-signin-form';
    this.form.noValidate = true;
    this.tokenLabel = el('label', 'guccho-signin-label');
    this.tokenLabel.htmlFor = 'guccho-token';
    this.tokenInput = el('input', 'guccho-signin-token');
    this.tokenInput.id = 'guccho-token';
    this.tokenInput.type = 'password';
    this.tokenInput.autocomplete = 'off';
    this.tokenInput.spellcheck = false;
    this.tokenInput.setAttribute('aria-describedby', 'guccho-signin-help guccho-signin-status');
    this.formHelp = el('p', 'guccho-signin-help');
    this.formHelp.id = 'guccho-signin-help';
    this.status = el('p', 'guccho-signin-status');
    this.status.id = 'guccho-signin-status';
    this.status.setAttribute('aria-live', 'polite');
    const actions = el('div', 'guccho-signin-actions');
    this.submitButton = el('button', 'guccho-signin-submit');
    this.submitButton.type = 'submit';
    this.cancelButton = button('guccho-signin-cancel');
    this.cancelButton.addEventListener('click', this.handleCancel);
    actions.append(this.cancelButton, this.submitButton);
    this.form.append(this.tokenLabel, this.tokenInput, this.formHelp, this.status, actions);
    this.form.addEventListener('submit', this.handleSubmit);
    this.form.addEventListener('keydown', this.handleKey);

    container.append(this.signInButton, this.who, this.addButton, this.importButton, this.signOutButton, this.form);
    this.container = container;
    this.unsubscribe.push(this.i18n.onChange(() => this.render()), this.session.onChange(() => this.render()));
    this.render();
    return container;
  }

  onRemove(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.signInButton?.removeEventListener('click', this.handleOpenForm);
    this.importButton?.removeEventListener('click', this.handleImport);
    this.addButton?.removeEventListener('click', this.handleAdd);
    this.signOutButton?.removeEventListener('click', this.handleSignOut);
    this.cancelButton?.removeEventListener('click', this.handleCancel);
    this.form?.removeEventListener('submit', this.handleSubmit);
    this.form?.removeEventListener('keydown', this.handleKey);
    this.container?.remove();
    this.container = this.signInButton = this.who = this.importButton = this.addButton = this.signOutButton = undefined;
    this.form = this.formHelp = this.tokenLabel = this.tokenInput = this.submitButton = this.cancelButton = this.status = undefined;
  }

  /** Opens the token form and puts focus in it. */
  openForm(): void {
    this.formOpen = true;
    this.error = '';
    this.render();
    this.tokenInput?.focus();
  }

  private handleOpenForm = (): void => (this.formOpen ? this.closeForm() : this.openForm());

  private closeForm(): void {
    this.formOpen = false;
    this.error = '';
    if (this.tokenInput) this.tokenInput.value = '';
    this.render();
    this.signInButton?.focus();
  }

  private handleCancel = (): void => this.closeForm();

  private handleKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.closeForm();
    }
  };

  private handleSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (this.busy || !this.tokenInput) return;
    this.busy = true;
    this.error = '';
    this.render();
    try {
      await this.session.signIn(this.tokenInput.value);
      this.formOpen = false;
      this.tokenInput.value = '';
    } catch (err) {
      this.error =
        err instanceof ApiError && (err.status === 401 || err.status === 403)
          ? this.i18n.t('auth.invalid')
          : this.i18n.t('auth.error', { message: errorText(this.i18n, err) });
    } finally {
      this.busy = false;
      this.render();
    }
    if (this.session.me) this.importButton?.focus();
    else this.tokenInput?.focus();
  };

  private handleImport = (): void => this.onImport?.();

  private handleAdd = (): void => this.onAddEnterprise?.();

  private handleSignOut = (): void => {
    this.session.signOut();
    this.signInButton?.focus();
  };

  private render(): void {
    if (!this.container) return;
    const t = this.i18n;
    const me = this.session.me;
    this.container.setAttribute('aria-label', t.t('auth.account'));
    this.container.classList.toggle('signed-in', Boolean(me));
    this.signInButton!.hidden = Boolean(me);
    this.signInButton!.textContent = t.t('auth.signIn');
    this.signInButton!.setAttribute('aria-expanded', String(this.formOpen));
    this.who!.hidden = !me;
    this.importButton!.hidden = !canImport(me) || !this.onImport;
    this.addButton!.hidden = !canEdit(me) || !this.onAddEnterprise;
    this.addButton!.textContent = t.t('edit.add');
    this.signOutButton!.hidden = !me;
    if (me) {
      const role = t.lookup('role.' + me.role, me.role);
      this.who!.textContent = `${me.name} · ${role}`;
      this.who!.title = t.t('auth.signedIn', { name: me.name });
    }
    this.importButton!.textContent = t.t('import.open');
    this.signOutButton!.textContent = t.t('auth.signOut');
    this.form!.hidden = !this.formOpen || Boolean(me);
    this.tokenLabel!.textContent = t.t('auth.token');
    this.formHelp!.textContent = t.t('auth.tokenHelp');
    this.submitButton!.textContent = this.busy ? t.t('auth.checking') : t.t('auth.submit');
    this.submitButton!.disabled = this.busy;
    this.cancelButton!.textContent = t.t('auth.cancel');
    this.status!.textContent = this.error;
    this.status!.hidden = !this.error;
    this.tokenInput!.setAttribute('aria-invalid', String(Boolean(this.error)));
  }
}
