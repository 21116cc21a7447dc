// The legend of the clusters view: the classes of the choropleth shown, or
// the symbols of the point-cluster map, in the interface language. HTML
// only: the map draws no text.

import type { I18n, MessageKey } from '../../core/i18n';
import type { Legend } from '../../core/view';
import { classesOf } from './classes';
import type { ClusterParams } from './params';

/** The entries of the legend of p's mode (colour, label, swatch shape), in the interface language. */
export function legendOf(i18n: I18n, p: Pick<ClusterParams, 'mode' | 'sig'>): Legend {
  const items: Legend['items'] = classesOf(p.mode, p.sig).map((c) => ({ label: i18n.t(c.label as MessageKey), colour: c.colour }));
  if (p.mode === 'clusters') items.push({ label: i18n.t('legend.cluster'), colour: '#d9480f', shape: 'line' });
  if (p.mode !== 'potential') items.push({ label: i18n.t('legend.centre'), colour: CENTRE_COLOUR, shape: 'circle' });
  return { title: i18n.t(`cl.mode.${p.mode}` as MessageKey), items };
}

/** The colour of service centres on the map. */
const CENTRE_COLOUR = '#6a3d9a';

/** Fills ul with the legend of p's mode; returns whether it has entries. */
export function renderLegend(ul: HTMLElement, i18n: I18n, p: Pick<ClusterParams, 'mode' | 'sig'>): boolean {
  const items: HTMLLIElement[] = [];
  const item = (cls: string, colour: string, label: string, id: string) => {
    const li = document.createElement('li');
    li.dataset.class = id;
    const sw = document.createElement('span');
    sw.className = `cl-swatch ${cls}`;
    sw.style.background = colour;
    sw.setAttribute('aria-hidden', 'true');
    li.append(sw, label);
    items.push(li);
  };
  for (const c of classesOf(p.mode, p.sig)) item('', c.colour, i18n.t(c.label as MessageKey), c.id);
  if (p.mode === 'clusters') {
    item('cl-swatch-outline', 'rgba(217, 72, 15, 0.15)', i18n.t('legend.cluster'), 'cluster');
  }
  if (p.mode !== 'potential') item('cl-swatch-centre', CENTRE_COLOUR, i18n.t('legend.centre'), 'centre');
  ul.replaceChildren(...items);
  return items.length > 0;
}
