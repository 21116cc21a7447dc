import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorText } from '../src/core/errors';
import { I18n } from '../src/core/i18n';
import { ApiError } from '../src/api';
import { SectorCatalogue } from '../src/sectors';
import type { Profile } from '../src/views/clusters/api';
import { ProfilePanel, valueChainHref } from '../src/views/clusters/profile-panel';
import { SECTORS } from './fixtures';

/** Bhairab's footwear makers, in the shape of GET /api/profile/BD304811. */
const BHAIRAB: Profile = {
  enterprises: 477,
  self_jobs: 627,
  wage_jobs: 2433,
  gender_reported: 40,
  female_workers: 30,
  male_workers: 90,
  owner_female: 57,
  owner_male: 420,
  owner_other: 0,
  recp_aware_known: 477,
  recp_aware: 78,
  recp_adopted_known: 78,
  recp_adopted: 3,
  jobs: 3060,
  mean_jobs: 6.415,
  self_share: 0.2049,
  wage_share: 0.7951,
  female_share: 0.25,
  owner_female_share: 0.1195,
  recp_aware_share: 0.1635,
  recp_adopted_share: 0.0385,
  sectors: [
    { sector: 'footwear_leather', enterprises: 471, jobs: 3000, share: 0.9874, job_share: 0.98, lq: 7.59, lq_jobs: 7.1 },
    { sector: 'dairy', enterprises: 6, jobs: 60, share: 0.0126, job_share: 0.02, lq: null, lq_jobs: null },
  ],
  barriers: [{ barrier: 'lack_of_credit', enterprises: 180, share: 0.3774 }],
  nearest_centre: { id: 'cfc-1', name_en: 'Bhairab Footwear CFC', name_bn: 'ভৈরব পাদুকা সিএফসি', sector: 'footwear_leather', distance_m: 2412 },
};
const UNIT = { pcode: 'BD304811', level: 3 as const, name_en: 'Bhairab', name_bn: 'ভৈরব' };

function setup(lang: 'en' | 'bn') {
  const i18n = new I18n(undefined, lang);
  const root = document.createElement('div');
  const onClose = vi.fn();
  const panel = new ProfilePanel(root, i18n, new SectorCatalogue(SECTORS), onClose);
  return { i18n, root, panel, onClose };
}

const fact = (root: HTMLElement, name: string) => root.querySelector<HTMLElement>(`[data-fact="${name}"]`)?.textContent;

describe('ProfilePanel', () => {
  afterEach(() => document.body.replaceChildren());

  it('shows a unit’s enterprises, jobs, gender, RECP, sector mix with LQ, barriers and nearest centre in English', () => {
    const { root, panel } = setup('en');
    panel.show('BD304811', { kind: 'unit', unit: UNIT }, BHAIRAB);
    expect(root.querySelector('.cl-profile-title')?.textContent).toBe('Bhairab');
    expect(root.querySelector('.cl-profile-subtitle')?.textContent).toBe('ভৈরব');
    expect(fact(root, 'enterprises')).toBe('477');
    expect(fact(root, 'jobs')).toBe('3,060');
    expect(fact(root, 'self_jobs')).toBe('627 (20.5 %)');
    expect(fact(root, 'wage_jobs')).toBe('2,433 (79.5 %)');
    expect(fact(root, 'gender')).toBe('30 women (25 %) · 90 men');
    expect(fact(root, 'recp_aware')).toBe('78 — 16.4 % of 477 who answered');
    expect(fact(root, 'nearest_centre')).toBe('Bhairab Footwear CFC (2.4 km)');
    const row = root.querySelector('tr[data-sector="footwear_leather"]')!;
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['Footwear and leather', '471', '98.7 %', '7.59']);
    expect(root.querySelector('tr[data-sector="dairy"] td:last-child')?.textContent).toBe('–');
    expect(root.querySelector('.cl-profile-barriers')?.textContent).toBe('lack of credit: 180 (37.7 %)');
  });

  it('has no Latin letter in Bangla but the unit’s English name beside its Bangla one', () => {
    const { root, panel, i18n } = setup('en');
    panel.show('BD304811', { kind: 'unit', unit: UNIT }, BHAIRAB);
    i18n.setLang('bn');
    expect(root.querySelector('.cl-profile-title')?.textContent).toBe('ভৈরব');
    expect(root.querySelector('.cl-profile-subtitle')?.textContent).toBe('Bhairab');
    expect(fact(root, 'enterprises')).toBe('৪৭৭');
    expect(fact(root, 'jobs')).toBe('৩,০৬০');
    // The English name is the one deliberate exception (as in explore's panel): drop it and nothing Latin is left.
    root.querySelector('.cl-profile-subtitle')!.remove();
    const text = root.querySelector('.cl-profile-body')!.textContent!;
    expect(text).toContain('পাদুকা ও চামড়া');
    expect(text).toContain('ঋণের অভাব');
    expect(text).not.toMatch(/[A-Za-z0-9]/);
  });

  it('shows a cluster’s member units', () => {
    const { root, panel } = setup('bn');
    const members = [
      { pcode: 'BD3048', level: 'district', name_en: 'Kishoreganj', name_bn: 'কিশোরগঞ্জ', count: 287 },
      { pcode: 'BD304811', level: 'upazila', name_en: 'Bhairab', name_bn: 'ভৈরব', count: 280 },
    ];
    panel.show('smef:footwear_leather:1005', { kind: 'cluster', id: 'smef:footwear_leather:1005', members }, BHAIRAB);
    expect(root.querySelector('.cl-profile-title')?.textContent).toBe('গুচ্ছ: ভৈরব');
    expect(root.querySelector('.cl-profile-subtitle')?.textContent).toBe('২টি সদস্য একক');
    expect([...root.querySelectorAll('.cl-profile-members li')].map((li) => li.textContent)).toEqual(['কিশোরগঞ্জ: ২৮৭', 'ভৈরব: ২৮০']);
  });

  it('explains a failure in Bangla without the server’s English, and closes with Escape', () => {
    const { root, panel, onClose } = setup('bn');
    document.body.append(root);
    panel.showError('BD99', new ApiError(404, 'not_found', 'no admin unit "BD99"'));
    expect(root.querySelector('.cl-status')?.textContent).toBe('বিবরণ লোড করা যায়নি: খুঁজে পাওয়া যায়নি।');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(onClose).toHaveBeenCalledOnce();
    panel.remove();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(onClose).toHaveBeenCalledOnce();
    expect(root.children.length).toBe(0);
  });

  it('names a parameter of the view that the server refused, in Bangla', () => {
    const i18n = new I18n(undefined, 'bn');
    const err = new ApiError(400, 'invalid', 'parameter band_km: "0": weights=distance needs a band in km > 0');
    expect(errorText(i18n, err)).toBe('দূরত্বের সীমা সঠিক নয়।');
    i18n.setLang('en');
    expect(errorText(i18n, err)).toBe(err.message);
  });
});

describe('valueChainHref', () => {
  it("links a cluster to its own chain, falling back to its sector around its main upazila", () => {
    const href = valueChainHref({
      kind: 'cluster',
      id: 'smef:footwear_leather:fa-00',
      sector: 'footwear_leather',
      members: [
        { pcode: 'BD3048', level: 'district', name_en: 'Kishoreganj', name_bn: 'কিশোরগঞ্জ', count: 296 },
        { pcode: 'BD304811', level: 'upazila', name_en: 'Bhairab', name_bn: 'ভৈরব', count: 296 },
      ],
    });
    expect(Object.fromEntries(new URLSearchParams(href.slice(1)))).toEqual({
      view: 'valuechain',
      cluster: 'smef:footwear_leather:fa-00',
      sector: 'footwear_leather',
      admin: 'BD304811',
    });
  });

  it("links a unit to the chains of the sector shown inside it, or of every sector", () => {
    const unit = { pcode: 'BD3048', level: 2 as const, name_en: 'Kishoreganj', name_bn: 'কিশোরগঞ্জ' };
    expect(valueChainHref({ kind: 'unit', unit, sector: 'dairy' })).toBe('#view=valuechain&sector=dairy&admin=BD3048');
    expect(valueChainHref({ kind: 'unit', unit })).toBe('#view=valuechain&admin=BD3048');
  });
});
