// Shared test data: a small sector catalogue and one enterprise.

import type { Enterprise, Sector } from '../src/api';

export const SECTORS: Sector[] = [
  { code: 'dairy', name_en: 'Dairy', name_bn: 'দুগ্ধ', color: '#80b1d3', sub_sectors: [{ code: 'milk', name_en: 'Milk production', name_bn: 'দুধ উৎপাদন' }] },
  {
    code: 'footwear_leather',
    name_en: 'Footwear and leather',
    name_bn: 'পাদুকা ও চামড়া',
    color: '#e41a1c',
    sub_sectors: [{ code: 'footwear', name_en: 'Footwear', name_bn: 'জুতা' }],
  },
  { code: 'rice_milling', name_en: 'Rice milling', name_bn: 'চালকল', color: '#e6ab02', sub_sectors: [] },
];

/** A synthetic footwear maker in Bhairab, placed at a display point inside its union. */
export function shoeMaker(over: Partial<Enterprise> = {}): Enterprise {
  return {
    id: 'demo-00042',
    feature_id: 42,
    name: 'Rahman Shoe Works',
    sector: 'footwear_leather',
    sub_sector: 'footwear',
    gps: null,
    point: [90.99, 24.05],
    display_point: true,
    stated: { division: 'Dhaka', district: 'Kishoreganj', upazila: 'Bhairab', union: 'Shimulkandi' },
    admin: { division: 'BD30', district: 'BD3048', upazila: 'BD304802', union: 'BD30480210' },
    admin_names: {
      division: { en: 'Dhaka', bn: 'ঢাকা' },
      district: { en: 'Kishoreganj', bn: 'কিশোরগঞ্জ' },
      upazila: { en: 'Bhairab', bn: 'ভৈরব' },
      union: { en: 'Shimulkandi', bn: 'শিমুলকান্দি' },
    },
    geocode: { method: 'union', score: 0.87, flags: ['name_fuzzy'] },
    employment: { self: 2, wage: 5, female: 3, male: 4 },
    owner_gender: 'female',
    recp: { aware: true, adopted: false, practices: ['waste_recycling'] },
    barriers: ['high_raw_material_cost', 'made_up_barrier'],
    synthetic: true,
    ...over,
  };
}
