// Rendering of geocoder results as an accessible listbox. Kept free of map
// code so it can be tested on its own.

import type { GeocodeResult, UnitSummary } from '../../api';
import type { I18n } from '../../core/i18n';

/**
 * The parents of a result, nearest first, in the current language:
 * "Dhaka District, Dhaka Division" tells apart the repeated upazila names.
 */
export function parentsLine(parents: readonly UnitSummary[], i18n: I18n): string {
  return [...parents]
    .sort((a, b) => b.level - a.level)
    .map((p) => `${i18n.unitNames(p).primary} ${i18n.levelName(p.level)}`)
    .join(', ');
}

/** The element id of option i of the list with id listId. */
export const optionId = (listId: string, i: number): string => `${listId}-opt-${i}`;

function span(cls: string, text: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = cls;
  el.textContent = text;
  return el;
}

/**
 * Replaces the children of list with one option per result. The option at
 * active (or none, with -1) is marked aria-selected. A message (no results,
 * an error) is shown instead when given.
 */
export function renderResults(
  list: HTMLElement,
  results: readonly GeocodeResult[],
  i18n: I18n,
  active: number,
  message = '',
): void {
  list.replaceChildren();
  if (message) {
    const li = document.createElement('li');
    li.className = 'search-message';
    li.setAttribute('role', 'presentation');
    li.textContent = message;
    list.append(li);
    return;
  }
  results.forEach((r, i) => {
    const li = document.createElement('li');
    li.id = optionId(list.id, i);
    li.className = 'search-result';
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', String(i === active));
    li.dataset.pcode = r.pcode;
    li.dataset.index = String(i);

    const { primary, secondary } = i18n.unitNames(r);
    const head = document.createElement('div');
    head.className = 'search-result-head';
    head.append(span('search-result-name', primary));
    if (secondary) head.append(span('search-result-alt', secondary));
    head.append(span('search-result-level', i18n.levelName(r.level)));
    li.append(head);

    const context = parentsLine(r.parents ?? [], i18n);
    if (context) li.append(span('search-result-parents', context));

    const shown = [r.name_en, r.name_bn].map((s) => s?.toLowerCase());
    if (r.matched && !shown.includes(r.matched.toLowerCase())) {
      li.append(span('search-result-matched', i18n.t('search.matched', { name: r.matched })));
    }
    list.append(li);
  });
}
