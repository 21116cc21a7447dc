import { describe, expect, it } from 'vitest';
import { I18n } from '../src/core/i18n';
import { ChainGraph, elementsOf } from '../src/views/valuechain/graph';
import { ChainSankey } from '../src/views/valuechain/sankey';
import { neighbourhood, type Selected } from '../src/views/valuechain/model';
import { chain, generatedChain } from './valuechain-fixture';

function graph(lang: 'en' | 'bn' = 'en') {
  const i18n = new I18n();
  i18n.setLang(lang);
  const picked: (Selected | null)[] = [];
  const g = new ChainGraph(undefined, i18n, { onSelect: (s) => picked.push(s), headless: true });
  return { g, i18n, picked };
}

describe('chain graph', () => {
  it('has a header per stage, missing stages marked, every actor and every link', () => {
    const els = elementsOf(chain(), new I18n());
    const headers = els.filter((e) => String(e.classes).includes('header'));
    expect(headers.map((h) => h.data.id)).toHaveLength(7);
    expect(headers.filter((h) => String(h.classes).includes('missing')).map((h) => h.data.role)).toEqual(['processor', 'exporter']);
    expect(els.filter((e) => e.group === 'nodes' && String(e.classes).includes('actor'))).toHaveLength(10);
    expect(els.filter((e) => e.group === 'edges')).toHaveLength(10);
  });

  it('marks key actors, bottlenecks and links without a value', () => {
    const els = elementsOf(chain(), new I18n());
    const cls = (id: string) => String(els.find((e) => e.data.id === id)!.classes);
    expect(cls('dhaka')).toContain('key');
    expect(cls('dhaka')).toContain('bottleneck');
    expect(cls('shop')).not.toContain('key');
    expect(cls('link:l8')).toContain('bottleneck');
    expect(cls('link:l3')).toContain('unvalued');
    expect(cls('link:l4')).not.toContain('unvalued');
  });

  it('labels actors in the interface language, falling back to the other name', () => {
    const { g, i18n } = graph('bn');
    const doc = chain();
    doc.actors.find((a) => a.id === 'w2')!.name_bn = '';
    g.render(doc);
    expect(g.cy.getElementById('paikar').data('label')).toBe('পাইকার');
    expect(g.cy.getElementById('w2').data('label')).toBe('Workshop 2');
    expect(g.cy.getElementById('header:producer').data('label')).toBe('উৎপাদক');
    i18n.setLang('en');
    g.relabel();
    expect(g.cy.getElementById('paikar').data('label')).toBe('Paikar (collector)');
    expect(g.cy.getElementById('header:producer').data('label')).toBe('Producers');
  });

  it('lights up an actor with its links and fades the rest', () => {
    const { g } = graph();
    const doc = chain();
    g.render(doc);
    const sel: Selected = { kind: 'actor', id: 'paikar' };
    g.highlight(sel, neighbourhood(doc, sel));
    expect(g.lit()).toEqual({ actors: ['paikar'], links: ['l4', 'l5', 'l7'] });
    expect(g.cy.getElementById('w3').hasClass('faded')).toBe(true);
    g.highlight(null, neighbourhood(doc, null));
    expect(g.lit()).toEqual({ actors: [], links: [] });
    expect(g.cy.$('.faded').length).toBe(0);
  });

  it('reports taps on actors, links and the background', () => {
    const { g, picked } = graph();
    g.render(chain());
    g.cy.getElementById('dhaka').emit('tap');
    g.cy.getElementById('link:l8').emit('tap');
    g.cy.emit('tap');
    expect(picked).toEqual([{ kind: 'actor', id: 'dhaka' }, { kind: 'link', id: 'l8' }, null]);
  });

  it('lays operators out in stage order, ordered to cross fewer links, the band below them', () => {
    const { g } = graph();
    const doc = chain();
    // In id order w1 (to paikar) lies above w3 (to dhaka, below paikar): no crossing yet; add one.
    doc.links.push({ id: 'x1', from: 'glue', to: 'w1', flow: 'goods' });
    g.render(doc);
    const x = (id: string) => g.cy.getElementById(id).position('x');
    const y = (id: string) => g.cy.getElementById(id).position('y');
    expect(x('leather')).toBeLessThan(x('w1'));
    expect(x('w1')).toBeLessThan(x('paikar'));
    expect(x('paikar')).toBeLessThan(x('dhaka'));
    expect(x('dhaka')).toBeLessThan(x('shop'));
    for (const op of ['leather', 'glue', 'w1', 'w2', 'w3', 'paikar', 'dhaka', 'shop']) expect(y('mfi')).toBeGreaterThan(y(op));
    // The missing processor column lies between collectors and wholesalers.
    expect(x('header:processor')).toBeGreaterThan(x('paikar'));
    expect(x('header:processor')).toBeLessThan(x('dhaka'));
  });

  it('draws a 2,000-actor chain in its columns', () => {
    const { g } = graph();
    const doc = generatedChain(2000);
    const t0 = performance.now();
    g.render(doc);
    const ms = performance.now() - t0;
    expect(g.cy.nodes('.actor').length).toBe(2000);
    expect(g.cy.getElementById('producer-0').position('x')).toBeLessThan(g.cy.getElementById('collector-0').position('x'));
    expect(ms).toBeLessThan(10_000);
  });
});

describe('chain sankey', () => {
  it('draws a node per actor with goods and a band per goods link to a later stage', () => {
    const s = new ChainSankey(new I18n(), () => {});
    s.render(chain(), 600, 260);
    const nodes = [...s.element.querySelectorAll<SVGGElement>('.vc-sankey-node')].map((n) => n.dataset.id);
    expect(nodes.sort()).toEqual(['dhaka', 'glue', 'leather', 'paikar', 'shop', 'w1', 'w2', 'w3']);
    expect(s.element.querySelectorAll('.vc-sankey-link')).toHaveLength(8);
    expect(s.element.querySelectorAll('.vc-sankey-link.unvalued')).toHaveLength(1);
  });

  it('lights the selected actor’s node and its bands', () => {
    const s = new ChainSankey(new I18n(), () => {});
    const doc = chain();
    s.render(doc, 600, 260);
    s.highlight(neighbourhood(doc, { kind: 'actor', id: 'paikar' }));
    expect(s.lit()).toEqual(['paikar']);
    const lit = [...s.element.querySelectorAll<SVGPathElement>('.vc-sankey-link.hl')].map((p) => p.dataset.links);
    expect(lit.sort()).toEqual(['l4', 'l5', 'l7']);
    s.highlight(null);
    expect(s.lit()).toEqual([]);
  });

  it('selects an actor or link on click', () => {
    const picked: Selected[] = [];
    const s = new ChainSankey(new I18n(), (sel) => picked.push(sel));
    s.render(chain(), 600, 260);
    s.element.querySelector<SVGGElement>('.vc-sankey-node[data-id="dhaka"]')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    s.element.querySelector<SVGPathElement>('.vc-sankey-link[data-links="l8"]')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(picked).toEqual([{ kind: 'actor', id: 'dhaka' }, { kind: 'link', id: 'l8' }]);
  });

  it('says so when a large chain is drawn by stage, and lights the stage of a selected actor', () => {
    const s = new ChainSankey(new I18n(), () => {});
    const doc = generatedChain(400);
    s.render(doc, 600, 260);
    expect(s.element.querySelector('.vc-caption')!.textContent).toContain('too many actors');
    s.highlight(neighbourhood(doc, { kind: 'actor', id: 'producer-3' }));
    expect(s.lit()).toEqual(['stage:producer']);
  });

  it('writes its caption and stage names in Bangla', () => {
    const i18n = new I18n();
    i18n.setLang('bn');
    const s = new ChainSankey(i18n, () => {});
    s.render(generatedChain(400), 600, 260);
    expect(s.element.querySelector('.vc-caption')!.textContent).toMatch(/^মূল্য/);
    expect([...s.element.querySelectorAll('text')].map((t) => t.textContent)).toContain('উৎপাদক');
  });
});
