import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api';
import { I18n } from '../src/core/i18n';
import { ChainPanel, parseAmount, type PanelActions } from '../src/views/valuechain/panel';
import { chain } from './valuechain-fixture';

function setup(lang: 'en' | 'bn' = 'en') {
  const i18n = new I18n();
  i18n.setLang(lang);
  const actions = {
    saveActor: vi.fn<PanelActions['saveActor']>(async () => {}),
    deleteActor: vi.fn<PanelActions['deleteActor']>(async () => {}),
    saveLink: vi.fn<PanelActions['saveLink']>(async () => {}),
    deleteLink: vi.fn<PanelActions['deleteLink']>(async () => {}),
    select: vi.fn<PanelActions['select']>(),
    confirm: vi.fn<PanelActions['confirm']>(() => true),
  };
  const panel = new ChainPanel(i18n, actions);
  document.body.append(panel.element);
  panel.setChain(chain());
  return { i18n, actions, panel, el: panel.element };
}

const text = (el: Element, sel: string) => el.querySelector(sel)?.textContent ?? '';
const setField = (el: Element, name: string, value: string) => {
  const f = el.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)!;
  f.value = value;
};
const submit = (el: Element) => el.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('actor and link panel', () => {
  it('is hidden until something is selected', () => {
    const { el, panel } = setup();
    expect(el.hidden).toBe(true);
    panel.show({ kind: 'actor', id: 'paikar' });
    expect(el.hidden).toBe(false);
  });

  it('shows an actor in English with its Bangla name, and in Bangla after the switch', () => {
    const { el, panel, i18n } = setup();
    panel.show({ kind: 'actor', id: 'dhaka' });
    expect(text(el, '.vc-panel-title')).toBe('Dhaka wholesaler');
    expect(text(el, '.vc-panel-secondary')).toBe('ঢাকার পাইকারি বিক্রেতা');
    expect(text(el, 'dl')).toContain('Wholesalers');
    expect(text(el, '.vc-marks')).toBe('Key actorBottleneck');
    i18n.setLang('bn');
    panel.redraw();
    expect(text(el, '.vc-panel-title')).toBe('ঢাকার পাইকারি বিক্রেতা');
    expect(text(el, '.vc-panel-secondary')).toBe('Dhaka wholesaler');
    expect(text(el, 'dl')).toContain('পাইকারি বিক্রেতা');
    expect(text(el, '.vc-marks')).toBe('মূল অংশীজনপ্রতিবন্ধক');
  });

  it('lists an actor’s links, each opening the link', () => {
    const { el, panel, actions } = setup();
    panel.show({ kind: 'actor', id: 'paikar' });
    const buttons = [...el.querySelectorAll<HTMLButtonElement>('.vc-panel-links button')];
    expect(buttons).toHaveLength(3);
    buttons[2].click();
    expect(actions.select).toHaveBeenCalledWith({ kind: 'link', id: 'l7' });
  });

  it('shows a link with its flow, volume and value, and its actors as buttons', () => {
    const { el, panel, actions } = setup();
    panel.show({ kind: 'link', id: 'l8' });
    expect(text(el, '.vc-panel-title')).toBe('Dhaka wholesaler → Shoe shop');
    expect(text(el, 'dl')).toContain('Goods');
    expect(text(el, 'dl')).toContain('12,000 pairs');
    expect(text(el, 'dl')).toContain('3,000,000 taka');
    el.querySelectorAll<HTMLButtonElement>('dd .vc-link-button')[1].click();
    expect(actions.select).toHaveBeenCalledWith({ kind: 'actor', id: 'shop' });
  });

  it('offers edit controls to editors only', () => {
    const { el, panel } = setup();
    panel.show({ kind: 'actor', id: 'w1' });
    expect(el.querySelector('.vc-edit')).toBeNull();
    panel.setEditable(true);
    expect(el.querySelector('.vc-edit')).not.toBeNull();
    panel.setEditable(false);
    expect(el.querySelector('.vc-edit')).toBeNull();
  });

  it('saves an edited actor with every field', async () => {
    const { el, panel, actions } = setup();
    panel.setEditable(true);
    panel.show({ kind: 'actor', id: 'w1' });
    el.querySelector<HTMLButtonElement>('.vc-edit')!.click();
    setField(el, 'name', 'Workshop One');
    setField(el, 'role', 'processor');
    submit(el);
    await flush();
    expect(actions.saveActor).toHaveBeenCalledWith(
      { id: 'w1', name: 'Workshop One', name_bn: 'কারখানা ১', role: 'processor', admin: 'BD304811', sector: 'footwear_leather', enterprise_id: '', lon: 90.99, lat: 24.05 },
      'w1',
    );
    expect(panel.isEditing).toBe(false);
  });

  it('refuses a new actor without an id or with half a location, naming the field', () => {
    const { el, panel, actions } = setup();
    panel.setEditable(true);
    panel.startNew('actor');
    setField(el, 'name', 'New');
    submit(el);
    expect(text(el, '.vc-form-error')).toBe('Id is required.');
    setField(el, 'id', 'n1');
    setField(el, 'lon', '90.5');
    submit(el);
    expect(text(el, '.vc-form-error')).toBe('Latitude is required.');
    setField(el, 'lat', '123');
    submit(el);
    expect(text(el, '.vc-form-error')).toBe('Latitude is not a valid coordinate.');
    expect(actions.saveActor).not.toHaveBeenCalled();
  });

  it('refuses a link joining an actor to itself, a negative volume and a volume without unit', () => {
    const { el, panel, actions } = setup('bn');
    panel.setEditable(true);
    panel.show({ kind: 'actor', id: 'w1' });
    panel.startNew('link');
    expect(el.querySelector<HTMLSelectElement>('[name="from"]')!.value).toBe('w1');
    setField(el, 'to', 'w1');
    submit(el);
    expect(text(el, '.vc-form-error')).toBe('একটি সংযোগ দুটি ভিন্ন অংশীজনকে যুক্ত করে।');
    setField(el, 'to', 'paikar');
    setField(el, 'volume', '-3');
    submit(el);
    expect(text(el, '.vc-form-error')).toBe('পরিমাণ শূন্য বা তার বেশি একটি সংখ্যা হতে হবে।');
    setField(el, 'volume', '1,200');
    submit(el);
    expect(text(el, '.vc-form-error')).toBe('একক দিতে হবে।');
    expect(actions.saveLink).not.toHaveBeenCalled();
  });

  it('saves a new link', async () => {
    const { el, panel, actions } = setup();
    panel.setEditable(true);
    panel.show({ kind: 'actor', id: 'w3' });
    panel.startNew('link');
    setField(el, 'to', 'paikar');
    setField(el, 'product', 'shoes');
    setField(el, 'volume', '1,200');
    setField(el, 'unit', 'pairs');
    setField(el, 'value_bdt', '250000');
    submit(el);
    await flush();
    expect(actions.saveLink).toHaveBeenCalledWith(
      { from: 'w3', to: 'paikar', flow: 'goods', product: 'shoes', volume: 1200, unit: 'pairs', value_bdt: 250000, period: '' },
      null,
    );
  });

  it('keeps the form and shows the server’s reason when a save is refused', async () => {
    const { el, panel, actions } = setup();
    actions.saveLink.mockRejectedValueOnce(new ApiError(400, 'invalid', 'field "to": goods run backwards'));
    panel.setEditable(true);
    panel.show({ kind: 'link', id: 'l4' });
    el.querySelector<HTMLButtonElement>('.vc-edit')!.click();
    submit(el);
    await flush();
    expect(text(el, '.vc-form-error')).toBe('Could not save: field "to": goods run backwards');
    expect(panel.isEditing).toBe(true);
    expect(el.querySelector<HTMLButtonElement>('.vc-save')!.disabled).toBe(false);
  });

  it('deletes after confirmation only', async () => {
    const { el, panel, actions } = setup();
    panel.setEditable(true);
    panel.show({ kind: 'link', id: 'l4' });
    actions.confirm.mockReturnValueOnce(false);
    el.querySelector<HTMLButtonElement>('.vc-delete')!.click();
    expect(actions.deleteLink).not.toHaveBeenCalled();
    el.querySelector<HTMLButtonElement>('.vc-delete')!.click();
    expect(actions.deleteLink).toHaveBeenCalledWith('l4');
  });

  it('reads amounts with thousands separators and refuses negatives', () => {
    expect(parseAmount('')).toBeUndefined();
    expect(parseAmount('1,200.5')).toBe(1200.5);
    expect(parseAmount('-1')).toBeNaN();
    expect(parseAmount('ten')).toBeNaN();
  });
});

describe('link body', () => {
  it('sends the value in taka as the store’s "value" field', async () => {
    const { linkBody } = await import('../src/views/valuechain/api');
    expect(linkBody({ from: 'a', to: 'b', flow: 'goods', value_bdt: 5 })).toEqual({ from: 'a', to: 'b', flow: 'goods', value: 5 });
  });
});
