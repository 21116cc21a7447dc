import { describe, expect, it } from 'vitest';
import type { GeocodeResult, UnitSummary } from '../src/api';
import { I18n } from '../src/core/i18n';
import { parentsLine, renderResults } from '../src/views/explore/search-results';

const dhakaDiv: UnitSummary = { pcode: 'BD30', level: 1, level_name: 'division', name_en: 'Dhaka', name_bn: 'ঢাকা' };
const dhakaDist: UnitSummary = { pcode: 'BD3026', level: 2, level_name: 'district', name_en: 'Dhaka', name_bn: 'ঢাকা' };
const rajDiv: UnitSummary = { pcode: 'BD50', level: 1, level_name: 'division', name_en: 'Rajshahi', name_bn: 'রাজশাহী' };
const chapai: UnitSummary = { pcode: 'BD5070', level: 2, level_name: 'district', name_en: 'Chapai Nawabganj', name_bn: 'চাঁপাইনবাবগঞ্জ' };

function result(over: Partial<GeocodeResult>): GeocodeResult {
  return {
    pcode: 'BD302662',
    level: 3,
    level_name: 'upazila',
    name_en: 'Nawabganj',
    name_bn: 'নবাবগঞ্জ',
    matched: 'Nawabganj',
    score: 1,
    kind: 'exact',
    parents: [dhakaDiv, dhakaDist],
    bbox: [90.0, 23.6, 90.2, 23.8],
    label: [90.1, 23.7],
    ...over,
  };
}

function list(): HTMLUListElement {
  const ul = document.createElement('ul');
  ul.id = 'results';
  return ul;
}

describe('parentsLine', () => {
  it('lists parents nearest first with their level', () => {
    expect(parentsLine([dhakaDiv, dhakaDist], new I18n())).toBe('Dhaka District, Dhaka Division');
  });

  it('follows the language', () => {
    const i18n = new I18n();
    i18n.setLang('bn');
    expect(parentsLine([dhakaDist, dhakaDiv], i18n)).toBe('ঢাকা জেলা, ঢাকা বিভাগ');
  });
});

describe('renderResults', () => {
  it('tells apart units of the same name by their parents', () => {
    const ul = list();
    const results = [result({}), result({ pcode: 'BD507037', parents: [rajDiv, chapai] })];
    renderResults(ul, results, new I18n(), -1);
    const options = [...ul.querySelectorAll('[role="option"]')];
    expect(options).toHaveLength(2);
    expect(options.map((o) => o.querySelector('.search-result-parents')?.textContent)).toEqual([
      'Dhaka District, Dhaka Division',
      'Chapai Nawabganj District, Rajshahi Division',
    ]);
    expect(options[0].querySelector('.search-result-name')?.textContent).toBe('Nawabganj');
    expect(options[0].querySelector('.search-result-alt')?.textContent).toBe('নবাবগঞ্জ');
    expect(options[0].querySelector('.search-result-level')?.textContent).toBe('Upazila');
    expect((options[1] as HTMLElement).dataset.pcode).toBe('BD507037');
  });

  it('marks the active option for assistive technology', () => {
    const ul = list();
    renderResults(ul, [result({}), result({ pcode: 'BD507037' })], new I18n(), 1);
    const selected = [...ul.querySelectorAll('[role="option"]')].map((o) => o.getAttribute('aria-selected'));
    expect(selected).toEqual(['false', 'true']);
    expect(ul.querySelector('[aria-selected="true"]')?.id).toBe('results-opt-1');
  });

  it('shows the spelling that matched when it is not the name shown', () => {
    const ul = list();
    renderResults(ul, [result({ matched: 'Nobabgonj', kind: 'fuzzy' })], new I18n(), -1);
    expect(ul.querySelector('.search-result-matched')?.textContent).toBe('matched “Nobabgonj”');
    renderResults(ul, [result({ matched: 'nawabganj' })], new I18n(), -1);
    expect(ul.querySelector('.search-result-matched')).toBeNull();
  });

  it('shows Bangla names first in Bangla', () => {
    const ul = list();
    const i18n = new I18n();
    i18n.setLang('bn');
    renderResults(ul, [result({})], i18n, -1);
    expect(ul.querySelector('.search-result-name')?.textContent).toBe('নবাবগঞ্জ');
    expect(ul.querySelector('.search-result-level')?.textContent).toBe('উপজেলা');
  });

  it('shows a message instead of results', () => {
    const ul = list();
    renderResults(ul, [result({})], new I18n(), -1);
    renderResults(ul, [], new I18n(), -1, 'No place found');
    expect(ul.querySelectorAll('[role="option"]')).toHaveLength(0);
    expect(ul.textContent).toBe('No place found');
  });

  it('renders names as text, never as markup', () => {
    const ul = list();
    renderResults(ul, [result({ name_en: '<img src=x onerror=alert(1)>' })], new I18n(), -1);
    expect(ul.querySelector('img')).toBeNull();
  });
});
