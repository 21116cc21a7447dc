import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api';
import { EnterpriseForm, enterpriseBody, initialValues, MAX_NAME, validate, type FormValues } from '../src/views/explore/enterprise-form';
import { I18n } from '../src/core/i18n';
import { SectorCatalogue } from '../src/sectors';
import { SECTORS, shoeMaker } from './fixtures';

const catalogue = new SectorCatalogue(SECTORS);
const values = (over: Partial<FormValues> = {}): FormValues => ({ ...initialValues(), name: 'Meghna Dairy', sector: 'dairy', ...over });

describe('validate', () => {
  it('accepts a named enterprise of a known sector with whole worker counts', () => {
    expect(validate(values(), catalogue)).toEqual({});
  });

  it('asks for a name, a known sector and whole numbers from 0', () => {
    const errors = validate(values({ name: '  ', sector: 'spaceships', self: '-1', wage: '2.5' }), catalogue);
    expect(errors.name?.key).toBe('edit.nameRequired');
    expect(errors.sector?.key).toBe('edit.sectorRequired');
    expect(errors.self?.key).toBe('edit.countInvalid');
    expect(errors.wage?.key).toBe('edit.countInvalid');
    expect(validate(values({ name: 'x'.repeat(MAX_NAME + 1) }), catalogue).name?.key).toBe('edit.nameTooLong');
    expect(validate(values({ sector: '' }), catalogue).sector?.key).toBe('edit.sectorRequired');
    expect(validate(values({ wage: '1000000' }), catalogue).wage?.key).toBe('edit.countInvalid');
  });
});

describe('enterpriseBody', () => {
  it('places a new enterprise at the clicked point', () => {
    const body = enterpriseBody(values({ name: ' Meghna Dairy ', sub_sector: 'milk', self: '2', wage: ' 3', owner_gender: 'female' }), [90.99, 24.05]);
    expect(body).toEqual({
      name: 'Meghna Dairy',
      sector: 'dairy',
      sub_sector: 'milk',
      gps: [90.99, 24.05],
      employment: { self: 2, wage: 3 },
      owner_gender: 'female',
    });
  });

  it('keeps what the form does not show when editing, since PUT replaces the record', () => {
    const e = shoeMaker({ gps: [90.98, 24.04], attributes: { phone_owner: 'yes' } });
    const body = enterpriseBody({ ...initialValues(e), name: 'Rahman Shoes' }, null, e);
    expect(body).toEqual({
      id: 'demo-00042',
      name: 'Rahman Shoes',
      sector: 'footwear_leather',
      sub_sector: 'footwear',
      gps: [90.98, 24.04],
      stated: e.stated,
      employment: { self: 2, wage: 5, female: 3, male: 4 },
      owner_gender: 'female',
      recp: { aware: true, adopted: false, practices: ['waste_recycling'] },
      barriers: ['high_raw_material_cost', 'made_up_barrier'],
      attributes: { phone_owner: 'yes' },
    });
    // A move sets new GPS; an enterprise without GPS stays placed by its units.
    expect(enterpriseBody(initialValues(e), [91, 24.1], e).gps).toEqual([91, 24.1]);
    expect(enterpriseBody(initialValues(shoeMaker()), null, shoeMaker()).gps).toBeNull();
  });
});

describe('EnterpriseForm', () => {
  const setup = (onSave = vi.fn(async () => undefined), enterprise?: ReturnType<typeof shoeMaker>) => {
    const i18n = new I18n();
    const onCancel = vi.fn();
    const form = new EnterpriseForm(i18n, catalogue, { at: enterprise ? undefined : [90.99, 24.05], enterprise, onSave, onCancel });
    document.body.replaceChildren(form.el);
    const field = <T extends HTMLElement>(name: string) => form.el.querySelector<T>(`[name="${name}"]`)!;
    const submit = async () => {
      form.el.dispatchEvent(new Event('submit', { cancelable: true }));
      await Promise.resolve();
      await Promise.resolve();
    };
    return { form, field, submit, onSave, onCancel, i18n };
  };

  it('offers the catalogue’s sectors and the chosen sector’s sub-sectors, labelled', () => {
    const { form, field } = setup();
    const sector = field<HTMLSelectElement>('sector');
    expect([...sector.options].map((o) => o.value)).toEqual(['', 'dairy', 'footwear_leather', 'rice_milling']);
    sector.value = 'dairy';
    sector.dispatchEvent(new Event('change'));
    expect([...field<HTMLSelectElement>('sub_sector').options].map((o) => o.textContent)).toEqual(['Not given', 'Milk production']);
    for (const input of form.el.querySelectorAll('input, select')) {
      expect(form.el.querySelector(`label[for="${input.id}"]`)).not.toBeNull();
    }
    expect(form.el.querySelector('.ent-form-at')!.textContent).toBe('At 24.05000, 90.99000');
  });

  it('shows what is wrong next to each field and sends nothing', async () => {
    const { form, field, submit, onSave } = setup();
    field<HTMLInputElement>('self').value = 'two';
    await submit();
    expect(onSave).not.toHaveBeenCalled();
    const error = (name: string) => form.el.querySelector(`[data-field="${name}"] .ent-form-error`)!;
    expect(error('name').textContent).toBe('Give the enterprise a name.');
    expect(error('sector').textContent).toBe('Choose a sector.');
    expect(error('self').textContent).toBe('Enter a whole number from 0 to 100,000.');
    expect((error('wage') as HTMLElement).hidden).toBe(true);
    expect(field('name').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(field('name'));
  });

  it('saves the body, and shows the server’s error when it refuses', async () => {
    const onSave = vi.fn(async () => {
      throw new ApiError(400, 'invalid', 'field "gps": [200, 24] is not [lon, lat]');
    });
    const { form, field, submit } = setup(onSave);
    field<HTMLInputElement>('name').value = 'Meghna Dairy';
    field<HTMLSelectElement>('sector').value = 'dairy';
    field<HTMLInputElement>('wage').value = '4';
    await submit();
    expect(onSave).toHaveBeenCalledWith({ name: 'Meghna Dairy', sector: 'dairy', sub_sector: '', gps: [90.99, 24.05], employment: { self: 1, wage: 4 }, owner_gender: '' });
    await vi.waitFor(() => expect(form.el.querySelector<HTMLElement>('.ent-form-status')!.hidden).toBe(false));
    expect(form.el.querySelector('.ent-form-status')!.textContent).toBe('Could not save: field "gps": [200, 24] is not [lon, lat]');
    expect(form.el.querySelector<HTMLButtonElement>('.ent-form-save')!.disabled).toBe(false);
  });

  it('is filled in for an edit, and cancels', () => {
    const { form, field, onCancel } = setup(undefined, shoeMaker());
    expect(form.el.querySelector('h3')!.textContent).toBe('Edit enterprise');
    expect(field<HTMLInputElement>('name').value).toBe('Rahman Shoe Works');
    expect(field<HTMLSelectElement>('sub_sector').value).toBe('footwear');
    expect(field<HTMLInputElement>('wage').value).toBe('5');
    expect(field<HTMLSelectElement>('owner_gender').value).toBe('female');
    form.el.querySelector<HTMLButtonElement>('.ent-form-cancel')!.click();
    expect(onCancel).toHaveBeenCalled();
  });
});
