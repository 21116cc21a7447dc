// The enterprise form of editors: name, sector, sub-sector, workers and the
// owner's gender, for a new enterprise at a clicked point or an existing one.
// validate and enterpriseBody are plain functions; EnterpriseForm is the DOM,
// which reports a valid body to its onSave and shows the server's error.

import type { Enterprise, EnterpriseInput, LonLat } from '../../api';
import { errorText } from '../../core/errors';
import type { I18n, MessageKey } from '../../core/i18n';
import type { SectorCatalogue } from '../../sectors';
import { el } from '../../core/dom';

export const MAX_NAME = 200;
export const MAX_WORKERS = 100_000;

/** The form's fields as typed. */
export interface FormValues {
  name: string;
  sector: string;
  sub_sector: string;
  self: string;
  wage: string;
  owner_gender: string;
}

export type FormErrors = Partial<Record<keyof FormValues, { key: MessageKey; params?: Record<string, string | number> }>>;

/** The values of a new form, or of the form for e. */
export function initialValues(e?: Enterprise): FormValues {
  return {
    name: e?.name ?? '',
    sector: e?.sector ?? '',
    sub_sector: e?.sub_sector ?? '',
    self: String(e?.employment?.self ?? 1),
    wage: String(e?.employment?.wage ?? 0),
    owner_gender: e?.owner_gender ?? '',
  };
}

function count(s: string): number | null {
  const t = s.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n <= MAX_WORKERS ? n : null;
}

/** What is wrong with the values (empty when nothing is). */
export function validate(v: FormValues, catalogue: SectorCatalogue): FormErrors {
  const errors: FormErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = { key: 'edit.nameRequired' };
  else if (name.length > MAX_NAME) errors.name = { key: 'edit.nameTooLong', params: { max: MAX_NAME } };
  if (!v.sector || (catalogue.sectors.length && !catalogue.get(v.sector))) errors.sector = { key: 'edit.sectorRequired' };
  for (const f of ['self', 'wage'] as const) {
    if (count(v[f]) === null) errors[f] = { key: 'edit.countInvalid', params: { max: MAX_WORKERS } };
  }
  return errors;
}

/**
 * The request body for valid values. A new enterprise (no base) stands at
 * gps; an edit keeps everything of base the form does not show (stated
 * units, RECP, barriers, attributes, workers by gender) and its location
 * unless gps moves it, since PUT replaces the whole record.
 */
export function enterpriseBody(v: FormValues, gps: LonLat | null, base?: Enterprise): EnterpriseInput {
  const employment: EnterpriseInput['employment'] = { self: count(v.self) ?? 0, wage: count(v.wage) ?? 0 };
  if (base?.employment?.female !== undefined) employment.female = base.employment.female;
  if (base?.employment?.male !== undefined) employment.male = base.employment.male;
  const body: EnterpriseInput = {
    name: v.name.trim(),
    sector: v.sector,
    sub_sector: v.sub_sector,
    gps: gps ?? base?.gps ?? null,
    employment,
    owner_gender: v.owner_gender,
  };
  if (!base) return body;
  body.id = base.id;
  if (base.stated && Object.keys(base.stated).length) body.stated = { ...base.stated };
  if (base.recp) {
    const { aware, adopted, practices } = base.recp;
    body.recp = { ...(aware !== undefined ? { aware } : {}), ...(adopted !== undefined ? { adopted } : {}), ...(practices?.length ? { practices: [...practices] } : {}) };
  }
  if (base.barriers?.length) body.barriers = [...base.barriers];
  if (base.attributes && Object.keys(base.attributes).length) body.attributes = { ...base.attributes };
  return body;
}


let forms = 0;

export interface FormOptions {
  /** The enterprise edited; absent for a new one. */
  enterprise?: Enterprise;
  /** Where a new enterprise stands (shown under the title). */
  at?: LonLat;
  /** Saves a valid body; a rejection is shown in the form. */
  onSave(body: EnterpriseInput): Promise<unknown>;
  onCancel(): void;
}

/**
 * EnterpriseForm renders the form (in the interface language at the time
 * it is built), checks it on submit, and calls onSave with the body.
 */
export class EnterpriseForm {
  readonly el: HTMLFormElement;
  private readonly inputs: { [K in keyof FormValues]: HTMLInputElement | HTMLSelectElement };
  private readonly messages: Partial<Record<keyof FormValues, HTMLElement>> = {};
  private readonly status: HTMLElement;
  private readonly saveButton: HTMLButtonElement;
  private busy = false;

  constructor(
    private readonly i18n: I18n,
    private readonly catalogue: SectorCatalogue,
    private readonly opts: FormOptions,
  ) {
    const t = i18n;
    const n = ++forms;
    const id = (f: string) => `ent-form-${n}-${f}`;
    const v = initialValues(opts.enterprise);
    this.el = el('form', 'ent-form');
    this.el.noValidate = true;
    this.el.setAttribute('aria-labelledby', id('title'));
    const title = el('h3', 'ent-form-title', t.t(opts.enterprise ? 'edit.titleEdit' : 'edit.titleNew'));
    title.id = id('title');
    this.el.append(title);
    if (opts.at) {
      const [lon, lat] = opts.at;
      this.el.append(el('p', 'ent-form-at', t.t('edit.at', { lat: lat.toFixed(5), lon: lon.toFixed(5) })));
    }

    const field = (name: keyof FormValues, label: string, control: HTMLInputElement | HTMLSelectElement) => {
      const wrap = el('div', 'ent-form-field');
      wrap.dataset.field = name;
      control.id = id(name);
      control.name = name;
      const l = el('label', '', label);
      l.htmlFor = control.id;
      const msg = el('p', 'ent-form-error');
      msg.id = id(name + '-error');
      msg.hidden = true;
      control.setAttribute('aria-describedby', msg.id);
      // A message goes once the field is changed; the next save checks again.
      control.addEventListener('input', () => {
        msg.hidden = true;
        control.removeAttribute('aria-invalid');
      });
      this.messages[name] = msg;
      wrap.append(l, control, msg);
      this.el.append(wrap);
      return control;
    };
    const input = (type: string, value: string) => {
      const i = el('input');
      i.type = type;
      i.value = value;
      return i;
    };
    const select = (options: [string, string][], value: string) => {
      const s = el('select');
      for (const [code, label] of options) {
        const o = el('option', '', label);
        o.value = code;
        s.append(o);
      }
      s.value = value;
      return s;
    };

    const name = field('name', t.t('edit.name'), input('text', v.name)) as HTMLInputElement;
    name.required = true;
    name.maxLength = MAX_NAME;
    name.autocomplete = 'off';
    const sectors: [string, string][] = [['', t.t('edit.chooseSector')], ...catalogue.sectors.map((s): [string, string] => [s.code, catalogue.names(s.code, t).primary])];
    if (v.sector && !catalogue.get(v.sector)) sectors.push([v.sector, v.sector]);
    const sector = field('sector', t.t('edit.sector'), select(sectors, v.sector));
    const sub = field('sub_sector', t.t('edit.subSector'), select([], ''));
    const fillSubSectors = (keep: string) => {
      const subs = catalogue.get(sector.value)?.sub_sectors ?? [];
      const opts: [string, string][] = [['', t.t('edit.notGiven')], ...subs.map((s): [string, string] => [s.code, t.unitNames({ name_en: s.name_en, name_bn: s.name_bn }).primary])];
      if (keep && !subs.some((s) => s.code === keep)) opts.push([keep, keep]);
      sub.replaceChildren(...opts.map(([code, label]) => Object.assign(el('option', '', label), { value: code })));
      sub.value = keep;
    };
    fillSubSectors(v.sub_sector);
    sector.addEventListener('change', () => fillSubSectors(''));
    const workers = (f: 'self' | 'wage', key: MessageKey) => {
      const i = field(f, t.t(key), input('number', v[f])) as HTMLInputElement;
      i.min = '0';
      i.max = String(MAX_WORKERS);
      i.step = '1';
      i.inputMode = 'numeric';
      return i;
    };
    const self = workers('self', 'edit.self');
    const wage = workers('wage', 'edit.wage');
    const gender = field(
      'owner_gender',
      t.t('edit.owner'),
      select(
        [
          ['', t.t('edit.notGiven')],
          ['female', t.t('gender.female')],
          ['male', t.t('gender.male')],
          ['other', t.t('gender.other')],
        ],
        v.owner_gender,
      ),
    );
    this.inputs = { name, sector, sub_sector: sub, self, wage, owner_gender: gender };

    this.status = el('p', 'ent-form-status');
    this.status.setAttribute('role', 'alert');
    this.status.hidden = true;
    const actions = el('div', 'ent-form-actions');
    const cancel = el('button', 'ent-form-cancel', t.t('edit.cancel'));
    cancel.type = 'button';
    cancel.addEventListener('click', () => opts.onCancel());
    this.saveButton = el('button', 'ent-form-save', t.t('edit.save'));
    this.saveButton.type = 'submit';
    actions.append(cancel, this.saveButton);
    this.el.append(this.status, actions);
    this.el.addEventListener('submit', this.handleSubmit);
  }

  /** The values as typed. */
  values(): FormValues {
    const i = this.inputs;
    return {
      name: i.name.value,
      sector: i.sector.value,
      sub_sector: i.sub_sector.value,
      self: i.self.value,
      wage: i.wage.value,
      owner_gender: i.owner_gender.value,
    };
  }

  focus(): void {
    this.inputs.name.focus();
  }

  private handleSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (this.busy) return;
    const v = this.values();
    const errors = validate(v, this.catalogue);
    this.showErrors(errors);
    const first = (Object.keys(this.inputs) as (keyof FormValues)[]).find((f) => errors[f]);
    if (first) {
      this.inputs[first].focus();
      return;
    }
    this.setBusy(true);
    this.showStatus('');
    try {
      await this.opts.onSave(enterpriseBody(v, this.opts.at ?? null, this.opts.enterprise));
    } catch (err) {
      this.showStatus(this.i18n.t('edit.error', { message: errorText(this.i18n, err) }));
    } finally {
      this.setBusy(false);
    }
  };

  private showErrors(errors: FormErrors): void {
    for (const f of Object.keys(this.inputs) as (keyof FormValues)[]) {
      const err = errors[f];
      const msg = this.messages[f]!;
      msg.hidden = !err;
      msg.textContent = err ? this.i18n.t(err.key, err.params) : '';
      this.inputs[f].setAttribute('aria-invalid', String(Boolean(err)));
    }
  }

  private showStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.saveButton.disabled = busy;
    this.saveButton.textContent = this.i18n.t(busy ? 'edit.saving' : 'edit.save');
  }
}
