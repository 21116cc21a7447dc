import { describe, expect, it } from 'vitest';
import { placeNames, placementSentence, renderEnterprise } from '../src/views/explore/enterprise-popup';
import { cellTooltip, pointTooltip } from '../src/views/explore/enterprise-picker';
import { I18n } from '../src/core/i18n';
import { SectorCatalogue } from '../src/sectors';
import { SECTORS, shoeMaker } from './fixtures';

const catalogue = new SectorCatalogue(SECTORS);

function facts(root: HTMLElement): Record<string, string> {
  const out: Record<string, string> = {};
  const dts = root.querySelectorAll('dt');
  for (const dt of dts) out[dt.textContent!] = (dt.nextElementSibling as HTMLElement).textContent!;
  return out;
}

describe('renderEnterprise', () => {
  it('shows name, sector, place, method, jobs, owner, RECP and barriers in English', () => {
    const root = renderEnterprise(shoeMaker(), catalogue, new I18n());
    expect(root.querySelector('h3')?.textContent).toBe('Rahman Shoe Works');
    expect(root.querySelector('.ent-sector')?.textContent).toBe('Footwear and leatherপাদুকা ও চামড়া');
    expect(facts(root)).toEqual({
      'Sub-sector': 'Footwear',
      Location: 'Shimulkandi, Bhairab, Kishoreganj, Dhaka',
      'Placed by': 'Union name · score 0.87',
      Notes: 'A place name matched only approximately',
      Jobs: '7 (2 self, 5 wage) · 3 women, 4 men',
      Owner: 'Woman',
      RECP: 'aware · not adopted',
      Practices: 'waste recycling',
      Barriers: 'high raw-material costs, made up barrier',
      Record: 'demo-00042',
    });
  });

  it('marks synthetic records with a badge, and only them', () => {
    const i18n = new I18n();
    expect(renderEnterprise(shoeMaker(), catalogue, i18n).querySelector('.synthetic-badge')?.textContent).toBe('Synthetic demo data');
    expect(renderEnterprise(shoeMaker({ synthetic: false }), catalogue, i18n).querySelector('.synthetic-badge')).toBeNull();
  });

  it('says a display point is not a surveyed location, and a GPS point is', () => {
    const i18n = new I18n();
    const display = renderEnterprise(shoeMaker(), catalogue, i18n).querySelector('.ent-placement')!;
    expect(display.textContent).toBe('Shown at a display point inside Shimulkandi — not a surveyed location.');
    expect(display.classList.contains('display')).toBe(true);
    const gps = shoeMaker({ display_point: false, gps: [90.99, 24.05], geocode: { method: 'gps', score: 1, flags: [] } });
    const root = renderEnterprise(gps, catalogue, i18n);
    expect(root.querySelector('.ent-placement')?.textContent).toBe('Shown at its surveyed GPS location.');
    expect(facts(root)['Placed by']).toBe('GPS point · score 1');
    expect(facts(root).Notes).toBeUndefined();
  });

  it('reads in Bangla, with Bangla place names and digits', () => {
    const i18n = new I18n();
    i18n.setLang('bn');
    const root = renderEnterprise(shoeMaker(), catalogue, i18n);
    expect(root.querySelector('.synthetic-badge')?.textContent).toBe('কৃত্রিম ডেমো ডেটা');
    expect(root.querySelector('.ent-sector-name')?.textContent).toBe('পাদুকা ও চামড়া');
    expect(root.querySelector('.ent-placement')?.textContent).toContain('শিমুলকান্দি');
    const f = facts(root);
    expect(f['অবস্থান']).toBe('শিমুলকান্দি, ভৈরব, কিশোরগঞ্জ, ঢাকা');
    expect(f['যেভাবে বসানো']).toBe('ইউনিয়নের নাম · স্কোর ০.৮৭');
    expect(f['কর্মসংস্থান']).toContain('৭');
    expect(f['বাধা']).toBe('কাঁচামালের উচ্চ দাম, made up barrier');
    expect(f['অনুশীলন']).toBe('বর্জ্য পুনর্ব্যবহার');
  });

  it('copes with a sparse record: no name, unknown flag, stated names only', () => {
    const sparse = shoeMaker({
      name: '',
      sub_sector: '',
      admin_names: undefined,
      stated: { district: 'Kishorganj' },
      geocode: { method: 'district', score: 0.6, flags: ['brand_new_flag'] },
      employment: { self: 1, wage: 0 },
      owner_gender: '',
      recp: {},
      barriers: null,
    });
    const root = renderEnterprise(sparse, catalogue, new I18n());
    expect(root.querySelector('h3')?.textContent).toBe('Unnamed enterprise');
    const f = facts(root);
    expect(f.Location).toBe('Kishorganj');
    expect(f.Notes).toBe('brand new flag');
    expect(f.Jobs).toBe('1 (1 self, 0 wage)');
    expect(Object.keys(f)).not.toContain('Owner');
    expect(Object.keys(f)).not.toContain('RECP');
  });

  it('names the finest unit first', () => {
    expect(placeNames(shoeMaker(), new I18n())[0]).toBe('Shimulkandi');
    expect(placementSentence(shoeMaker({ admin_names: {}, stated: {} }), new I18n())).toBe(
      'Shown at a display point — not a surveyed location.',
    );
  });
});

describe('tooltips', () => {
  it('lists a cell’s count and its sectors, largest first', () => {
    const lines = cellTooltip({ kind: 'cell', count: 43, sector: 'footwear_leather', sectors: 'dairy:12,footwear_leather:31' }, catalogue, new I18n());
    expect(lines).toEqual(['43 enterprises', 'Footwear and leather: 31', 'Dairy: 12', 'Click to zoom in']);
  });

  it('says when a point is a display point and synthetic', () => {
    const i18n = new I18n();
    i18n.setLang('bn');
    const lines = pointTooltip({ kind: 'point', sector: 'dairy', display: true, synthetic: true }, catalogue, i18n);
    expect(lines).toEqual(['দুগ্ধ', 'Dairy', 'প্রদর্শনী বিন্দু, জরিপের অবস্থান নয়', 'কৃত্রিম ডেমো ডেটা', 'বিস্তারিত দেখতে ক্লিক করুন']);
  });
});
