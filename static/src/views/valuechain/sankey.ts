// The Sankey of goods by value, drawn with d3-sankey into an SVG: actors
// (or, for large chains, stages) in their stage columns, bands as wide as
// the value in taka. Links without a value are thin and dashed. A click on
// a node or band selects the actor or link; highlight() lights up what the
// graph or map selected. SVG text is shaped by the browser, so Bangla names
// are fine.

import { sankey, sankeyLinkHorizontal, type SankeyGraph } from 'd3-sankey';
import { select, type Selection } from 'd3-selection';
import type { I18n, MessageKey } from '../../core/i18n';
import type { ChainDoc } from './api';
import { actorLabel } from './graph';
import { FLOW_COLOURS, sankeyInput, type SankeyInput, type SankeyLinkIn, type SankeyNodeIn, type Selected } from './model';

type Node = SankeyNodeIn & { label: string };
type LinkDatum = SankeyLinkIn;

const SVG_NS = 'http://www.w3.org/2000/svg';

export class ChainSankey {
  readonly element: HTMLElement;
  private input: SankeyInput | null = null;
  private svg: Selection<SVGSVGElement, unknown, null, undefined> | null = null;

  constructor(
    private readonly i18n: I18n,
    private readonly onSelect: (sel: Selected) => void,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'vc-sankey';
  }

  /** The input drawn last (by stage or by actor). */
  get drawn(): SankeyInput | null {
    return this.input;
  }

  render(doc: ChainDoc, width: number, height: number): void {
    const input = sankeyInput(doc);
    this.input = input;
    this.element.replaceChildren();
    const caption = document.createElement('p');
    caption.className = 'vc-caption';
    caption.textContent = this.i18n.t(input.byStage ? 'vc.sankeyByStage' : 'vc.sankey');
    this.element.append(caption);
    if (!input.links.length) {
      const empty = document.createElement('p');
      empty.className = 'vc-empty';
      empty.textContent = this.i18n.t('vc.sankeyEmpty');
      this.element.append(empty);
      this.svg = null;
      return;
    }
    const byId = new Map(doc.actors.map((a) => [a.id, a]));
    const nodes: Node[] = input.nodes.map((n) => ({
      ...n,
      label: n.id.startsWith('stage:') ? this.i18n.lookup(`vc.role.${n.role}` as MessageKey, n.role) : actorLabel(byId.get(n.id)!, this.i18n),
    }));
    // d3-sankey wants no empty column: number the columns in use 0, 1, 2 …
    const used = [...new Set(nodes.map((n) => n.column))].sort((a, b) => a - b);
    for (const n of nodes) n.column = used.indexOf(n.column);
    const w = Math.max(200, width);
    const h = Math.max(120, height);
    const layout = sankey<Node, LinkDatum>()
      .nodeId((d) => d.id)
      .nodeAlign((d) => (d as Node).column)
      .nodeWidth(10)
      .nodePadding(Math.max(2, Math.min(10, h / (nodes.length + 1) / 2)))
      .extent([
        [4, 6],
        [w - 4, h - 6],
      ]);
    const graph: SankeyGraph<Node, LinkDatum> = layout({ nodes: nodes.map((n) => ({ ...n })), links: input.links.map((l) => ({ ...l })) });
    const svgEl = document.createElementNS(SVG_NS, 'svg');
    svgEl.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svgEl.setAttribute('width', String(w));
    svgEl.setAttribute('height', String(h));
    svgEl.setAttribute('role', 'img');
    svgEl.setAttribute('aria-label', caption.textContent);
    this.element.append(svgEl);
    const svg = select(svgEl);
    this.svg = svg;
    svg
      .append('g')
      .attr('fill', 'none')
      .selectAll('path')
      .data(graph.links)
      .join('path')
      .attr('class', (d) => 'vc-sankey-link' + (d.valued ? '' : ' unvalued'))
      .attr('data-links', (d) => d.links.join(' '))
      .attr('data-source', (d) => (d.source as Node).id)
      .attr('data-target', (d) => (d.target as Node).id)
      .attr('d', sankeyLinkHorizontal())
      .attr('stroke', FLOW_COLOURS.goods)
      .attr('stroke-width', (d) => Math.max(1, d.width ?? 1))
      .on('click', (_e, d) => {
        if (d.links.length === 1) this.onSelect({ kind: 'link', id: d.links[0] });
      })
      .append('title')
      .text((d) => `${(d.source as Node).label} → ${(d.target as Node).label}: ${d.valued ? this.i18n.t('vc.panel.taka', { value: d.value }) : '—'}`);
    const node = svg
      .append('g')
      .selectAll('g')
      .data(graph.nodes)
      .join('g')
      .attr('class', 'vc-sankey-node')
      .attr('data-id', (d) => d.id)
      .attr('data-actors', (d) => d.actors.join(' '))
      .on('click', (_e, d) => {
        if (!d.id.startsWith('stage:')) this.onSelect({ kind: 'actor', id: d.id });
      });
    node
      .append('rect')
      .attr('x', (d) => d.x0!)
      .attr('y', (d) => d.y0!)
      .attr('width', (d) => d.x1! - d.x0!)
      .attr('height', (d) => Math.max(1, d.y1! - d.y0!));
    node
      .append('text')
      .attr('x', (d) => (d.x0! < w / 2 ? d.x1! + 4 : d.x0! - 4))
      .attr('y', (d) => (d.y0! + d.y1!) / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', (d) => (d.x0! < w / 2 ? 'start' : 'end'))
      .text((d) => d.label);
  }

  /** Lights up the nodes of the lit actors and the bands of the lit links. */
  highlight(near: { actors: Set<string>; links: Set<string> } | null): void {
    const svg = this.svg;
    if (!svg) return;
    const any = !!near && (near.actors.size > 0 || near.links.size > 0);
    svg.selectAll<SVGGElement, Node>('.vc-sankey-node').each(function (d) {
      const on = any && d.actors.some((a) => near!.actors.has(a));
      this.classList.toggle('hl', on);
      this.classList.toggle('faded', any && !on);
    });
    svg.selectAll<SVGPathElement, LinkDatum>('.vc-sankey-link').each(function (d) {
      const on = any && d.links.some((l) => near!.links.has(l));
      this.classList.toggle('hl', on);
      this.classList.toggle('faded', any && !on);
    });
  }

  /** The ids of the lit nodes (actor ids, or stage:<role>). */
  lit(): string[] {
    return [...this.element.querySelectorAll<SVGGElement>('.vc-sankey-node.hl')].map((g) => g.dataset.id ?? '');
  }
}
