// A small footwear chain around Bhairab in the shape of GET
// /api/valuechains/{id}: ten actors (no processor, no exporter), goods,
// money and a link without a value, and an analysis with key actors and
// bottlenecks. Tests copy it (chain()) before changing it.

import type { ChainDoc } from '../src/views/valuechain/api';

const actor = (id: string, role: string, name: string, name_bn: string, lon?: number, lat?: number, admin = 'BD304811') => ({
  id,
  name,
  name_bn,
  role,
  sector: 'footwear_leather',
  admin,
  ...(lon !== undefined ? { lon, lat } : {}),
});

const BASE: ChainDoc = {
  chain: { id: 'bhairab-footwear', name: 'Bhairab footwear', name_bn: 'ভৈরব পাদুকা', sector: 'footwear_leather', cluster: 'C-1', admin: 'BD304811', synthetic: true },
  actors: [
    actor('leather', 'input_supplier', 'Hazaribagh leather trader', 'হাজারীবাগ চামড়া ব্যবসায়ী', 90.37, 23.73, 'BD302628'),
    actor('glue', 'input_supplier', 'Glue seller', 'আঠা বিক্রেতা', 90.98, 24.04),
    actor('w1', 'producer', 'Workshop 1', 'কারখানা ১', 90.99, 24.05),
    actor('w2', 'producer', 'Workshop 2', 'কারখানা ২', 90.995, 24.055),
    actor('w3', 'producer', 'Workshop 3', 'কারখানা ৩', 90.985, 24.045),
    actor('paikar', 'collector', 'Paikar (collector)', 'পাইকার', 90.97, 24.06),
    actor('dhaka', 'wholesaler', 'Dhaka wholesaler', 'ঢাকার পাইকারি বিক্রেতা', 90.40, 23.71, 'BD302640'),
    actor('shop', 'retailer', 'Shoe shop', 'জুতার দোকান', 90.41, 23.75, 'BD302640'),
    actor('mfi', 'finance', 'Partner organisation (MFI)', 'সহযোগী সংস্থা', 90.99, 24.049),
    actor('bscic', 'programme', 'BSCIC programme', 'বিসিক কর্মসূচি'),
  ],
  links: [
    { id: 'l1', from: 'leather', to: 'w1', flow: 'goods', product: 'leather', volume: 5000, unit: 'sq ft', value_bdt: 400000, period: '2024' },
    { id: 'l2', from: 'leather', to: 'w2', flow: 'goods', product: 'leather', volume: 1250, unit: 'sq ft', value_bdt: 100000, period: '2024' },
    { id: 'l3', from: 'glue', to: 'w3', flow: 'goods', product: 'glue', volume: 200, unit: 'litre', value_bdt: 0, period: '2024' },
    { id: 'l4', from: 'w1', to: 'paikar', flow: 'goods', product: 'shoes', volume: 6000, unit: 'pairs', value_bdt: 1200000, period: '2024' },
    { id: 'l5', from: 'w2', to: 'paikar', flow: 'goods', product: 'shoes', volume: 5000, unit: 'pairs', value_bdt: 1000000, period: '2024' },
    { id: 'l6', from: 'w3', to: 'dhaka', flow: 'goods', product: 'shoes', volume: 1500, unit: 'pairs', value_bdt: 330000, period: '2024' },
    { id: 'l7', from: 'paikar', to: 'dhaka', flow: 'goods', product: 'shoes', volume: 11000, unit: 'pairs', value_bdt: 2420000, period: '2024' },
    { id: 'l8', from: 'dhaka', to: 'shop', flow: 'goods', product: 'shoes', volume: 12000, unit: 'pairs', value_bdt: 3000000, period: '2024' },
    { id: 'l9', from: 'mfi', to: 'w1', flow: 'money', product: 'loan', value_bdt: 200000, period: '2024' },
    { id: 'l10', from: 'bscic', to: 'w2', flow: 'services', product: 'training' },
  ],
  stages: ['input_supplier', 'producer', 'collector', 'processor', 'wholesaler', 'retailer', 'exporter'],
  analysis: {
    actors: [
      { id: 'dhaka', in_degree: 2, out_degree: 1, degree_centrality: 0.33, betweenness: 12, betweenness_normalized: 0.1667, cuts_off_producers: 3 },
      { id: 'paikar', in_degree: 2, out_degree: 1, degree_centrality: 0.33, betweenness: 8, betweenness_normalized: 0.1111, cuts_off_producers: 2 },
      { id: 'w1', in_degree: 2, out_degree: 1, degree_centrality: 0.33, betweenness: 3, betweenness_normalized: 0.0417, cuts_off_producers: 0 },
      { id: 'shop', in_degree: 1, out_degree: 0, degree_centrality: 0.11, betweenness: 0, betweenness_normalized: 0, cuts_off_producers: 3 },
      { id: 'leather', in_degree: 0, out_degree: 2, degree_centrality: 0.22, betweenness: 0, betweenness_normalized: 0, cuts_off_producers: 0 },
    ],
    stages: [],
    missing: ['processor', 'exporter'],
    producers: 3,
    connected: 3,
    bottlenecks: [
      { kind: 'actor', id: 'dhaka', producers_cut: 3 },
      { kind: 'actor', id: 'shop', producers_cut: 3 },
      { kind: 'link', id: 'l8', producers_cut: 3 },
      { kind: 'actor', id: 'paikar', producers_cut: 2 },
    ],
  },
};

/** A fresh copy of the Bhairab chain. */
export function chain(): ChainDoc {
  return structuredClone(BASE);
}

/**
 * A generated chain of n actors: 5 % input suppliers, 60 % producers, and
 * the rest spread over collectors, wholesalers and retailers, each buying
 * from two actors of the stage before (for the render-size tests).
 */
export function generatedChain(n: number): ChainDoc {
  const roles: [string, number][] = [
    ['input_supplier', 0.05],
    ['producer', 0.6],
    ['collector', 0.15],
    ['wholesaler', 0.1],
    ['retailer', 0.1],
  ];
  const doc: ChainDoc = {
    chain: { id: 'gen', name: 'Generated', name_bn: 'তৈরি', sector: 'footwear_leather', cluster: '', admin: '', synthetic: true },
    actors: [],
    links: [],
    stages: ['input_supplier', 'producer', 'collector', 'processor', 'wholesaler', 'retailer', 'exporter'],
    analysis: { actors: [], stages: [], missing: ['processor', 'exporter'], producers: 0, connected: 0, bottlenecks: [] },
  };
  const byRole: string[][] = [];
  let made = 0;
  roles.forEach(([role, share], r) => {
    const count = r === roles.length - 1 ? n - made : Math.max(1, Math.round(n * share));
    byRole[r] = [];
    for (let i = 0; i < count; i++) {
      const id = `${role}-${i}`;
      doc.actors.push({ id, name: `${role} ${i}`, name_bn: '', role, lon: 90 + (i % 50) / 50, lat: 23 + r / 5 });
      byRole[r].push(id);
    }
    made += count;
  });
  let link = 0;
  for (let r = 1; r < byRole.length; r++) {
    byRole[r].forEach((to, i) => {
      for (const k of [0, 1]) {
        const from = byRole[r - 1][(i * 2 + k) % byRole[r - 1].length];
        doc.links.push({ id: `g${link++}`, from, to, flow: 'goods', product: 'shoes', volume: 10 + (i % 7), unit: 'pairs', value_bdt: 1000 * (1 + (i % 5)) });
      }
    });
  }
  return doc;
}
