// The graph of a chain: Cytoscape.js, actors as nodes in stage columns
// (inputs on the left, end markets on the right), supporters and enablers
// in a band below, links as arrows coloured by flow and as wide as their
// volume. The layout is the chain's own: stages are the layers, and the
// barycentre ordering of model.ts (orderColumns) arranges each column so
// that fewer links cross; positions are computed, not searched, so the
// first render is quick even for thousands of actors. Names are canvas
// text, which the browser shapes, so Bangla labels are fine here.

import cytoscape, { type Core, type ElementDefinition, type StylesheetJson } from 'cytoscape';
import type { I18n, MessageKey } from '../../core/i18n';
import type { ChainDoc } from './api';
import {
  BOTTLENECK_COLOUR,
  bottlenecksOf,
  columnsOf,
  COLUMN_WIDTH,
  FLOW_COLOURS,
  flowOf,
  FUNCTION_COLOURS,
  functionOf,
  keyActors,
  linkWeights,
  orderColumns,
  presetLayout,
  ROW_HEIGHT,
  SELECTED_COLOUR,
  type Selected,
} from './model';

/** Above this many actors the graph is drawn more cheaply (no labels when zoomed out, straight links). */
const LARGE = 300;

/** Cytoscape refuses quoted family names; these have none to quote. */
const FONT = 'system-ui, Noto Sans Bengali, Hind Siliguri, Nirmala UI, Vrinda, sans-serif';

function style(): StylesheetJson {
  return [
    {
      selector: 'node.actor',
      style: {
        width: 22,
        height: 22,
        'background-color': 'data(colour)',
        label: 'data(label)',
        'font-family': FONT,
        'font-size': 16,
        color: '#1a202c',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-wrap': 'ellipsis',
        'text-max-width': `${COLUMN_WIDTH - 30}px`,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.7,
      },
    },
    { selector: 'node.key', style: { width: 34, height: 34, 'border-width': 3, 'border-color': '#1a202c' } },
    { selector: 'node.bottleneck', style: { 'border-width': 4, 'border-color': BOTTLENECK_COLOUR, 'border-style': 'double' } },
    {
      selector: 'node.header',
      style: {
        shape: 'round-rectangle',
        width: COLUMN_WIDTH - 24,
        height: 30,
        'text-wrap': 'ellipsis',
        'text-max-width': `${COLUMN_WIDTH - 30}px`,
        'background-color': '#edf2f7',
        'border-width': 1,
        'border-color': '#cbd5e0',
        label: 'data(label)',
        'font-family': FONT,
        'font-size': 15,
        'font-weight': 'bold',
        'text-valign': 'center',
        'text-halign': 'center',
        events: 'no',
      },
    },
    {
      selector: 'node.header.missing',
      style: { 'border-style': 'dashed', 'border-color': BOTTLENECK_COLOUR, 'background-opacity': 0.3, color: '#9b2c2c' },
    },
    {
      selector: 'edge',
      style: {
        width: 'mapData(w, 0, 1, 1, 8)',
        'line-color': 'data(colour)',
        'target-arrow-color': 'data(colour)',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        opacity: 0.75,
      },
    },
    { selector: 'edge.unvalued', style: { 'line-style': 'dashed' } },
    { selector: 'edge.bottleneck', style: { 'line-color': BOTTLENECK_COLOUR, 'target-arrow-color': BOTTLENECK_COLOUR, opacity: 1 } },
    { selector: '.faded', style: { opacity: 0.18 } },
    { selector: 'node.hl', style: { 'border-width': 5, 'border-color': SELECTED_COLOUR, 'z-index': 10 } },
    { selector: 'edge.hl', style: { 'line-color': SELECTED_COLOUR, 'target-arrow-color': SELECTED_COLOUR, opacity: 1, 'z-index': 10 } },
  ];
}

/** The graph's elements: a header per stage (missing ones marked), the actors, the links. */
export function elementsOf(doc: ChainDoc, i18n: I18n): ElementDefinition[] {
  const cols = orderColumns(doc, columnsOf(doc));
  const preset = presetLayout(cols);
  const pos = preset.positions;
  const key = keyActors(doc);
  const cut = bottlenecksOf(doc);
  const weights = linkWeights(doc);
  const els: ElementDefinition[] = [];
  cols.columns.forEach((c, i) => {
    els.push({
      group: 'nodes',
      data: { id: 'header:' + c.role, label: i18n.lookup(`vc.role.${c.role}`, c.role), role: c.role },
      classes: 'header' + (c.missing ? ' missing' : ''),
      position: { x: preset.centres[i], y: -ROW_HEIGHT },
      selectable: false,
      grabbable: false,
    });
  });
  for (const a of doc.actors) {
    const fn = functionOf(a.role);
    els.push({
      group: 'nodes',
      data: { id: a.id, label: actorLabel(a, i18n), role: a.role, colour: FUNCTION_COLOURS[fn] },
      classes: ['actor', fn, key.has(a.id) ? 'key' : '', cut.actors.has(a.id) ? 'bottleneck' : ''].filter(Boolean).join(' '),
      position: { ...pos.get(a.id)! },
    });
  }
  const ids = new Set(doc.actors.map((a) => a.id));
  for (const l of doc.links) {
    if (!ids.has(l.from) || !ids.has(l.to)) continue;
    const flow = flowOf(l);
    els.push({
      group: 'edges',
      data: { id: 'link:' + l.id, link: l.id, source: l.from, target: l.to, flow, w: weights.get(l.id) ?? 0, colour: FLOW_COLOURS[flow] ?? '#718096' },
      classes: [(l.value_bdt ?? 0) > 0 ? '' : 'unvalued', cut.links.has(l.id) ? 'bottleneck' : ''].filter(Boolean).join(' '),
    });
  }
  return els;
}

/** An actor's name in the interface language (the other one when it has none). */
export function actorLabel(a: { name: string; name_bn: string; id: string }, i18n: I18n): string {
  const bn = a.name_bn?.trim();
  const en = a.name?.trim();
  return (i18n.lang === 'bn' ? bn || en : en || bn) || a.id;
}

export interface GraphOptions {
  onSelect(sel: Selected | null): void;
  /** Cytoscape without a canvas (unit tests). */
  headless?: boolean;
}

export class ChainGraph {
  readonly cy: Core;
  private doc: ChainDoc | null = null;
  /** Keeps the drawing fitted while its box changes size (the pane below it fills in). */
  private readonly observer?: ResizeObserver;
  /** Whether the user has panned or zoomed since the last fit; then a resize keeps their view. */
  private moved = false;

  constructor(
    container: HTMLElement | undefined,
    private readonly i18n: I18n,
    private readonly opts: GraphOptions,
  ) {
    this.cy = cytoscape({
      container: opts.headless ? undefined : container,
      headless: opts.headless ?? false,
      style: style(),
      minZoom: 0.05,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: true,
      textureOnViewport: true,
    });
    this.cy.on('tap', 'node.actor', (e) => opts.onSelect({ kind: 'actor', id: e.target.id() }));
    this.cy.on('tap', 'edge', (e) => opts.onSelect({ kind: 'link', id: e.target.data('link') }));
    this.cy.on('tap', (e) => {
      if (e.target === this.cy) opts.onSelect(null);
    });
    this.cy.on('dragpan scrollzoom pinchzoom', () => {
      this.moved = true;
    });
    if (container && !opts.headless && typeof ResizeObserver !== 'undefined') {
      this.observer = new ResizeObserver(() => this.resize());
      this.observer.observe(container);
    }
  }

  /** Draws a chain: stage columns ordered to cross fewer links, the band below. */
  render(doc: ChainDoc): void {
    this.doc = doc;
    // The container may have moved since the last drawing (the pane's head filled in): clicks must hit.
    this.cy.resize();
    // Large chains: no labels when zoomed out, straight links (cheaper to draw than curves).
    const large = doc.actors.length > LARGE;
    // (A headless graph has no style.)
    (this.cy.style() as cytoscape.Style | undefined)
      ?.selector('node.actor')
      .style({ 'min-zoomed-font-size': large ? 8 : 0 })
      .selector('edge')
      .style({ 'curve-style': large ? 'straight' : 'bezier' })
      .update();
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elementsOf(doc, this.i18n));
    });
    this.fit();
  }

  /** Fits the drawing into its box. */
  private fit(): void {
    this.cy.fit(undefined, 24);
    this.moved = false;
  }

  /** Lights up the selection (and its neighbourhood) and fades the rest; null clears. */
  highlight(sel: Selected | null, near: { actors: Set<string>; links: Set<string> }): void {
    const cy = this.cy;
    cy.batch(() => {
      cy.elements().removeClass('hl faded');
      if (!sel) return;
      cy.nodes('node.actor').forEach((n) => {
        n.addClass(near.actors.has(n.id()) ? 'hl' : 'faded');
      });
      cy.edges().forEach((e) => {
        e.addClass(near.links.has(e.data('link') as string) ? 'hl' : 'faded');
      });
    });
    if (sel?.kind === 'actor') {
      const n = cy.getElementById(sel.id);
      const e = cy.extent();
      const p = n.nonempty() ? n.position() : null;
      // Brings the actor into view when it is outside it.
      if (p && !this.opts.headless && (p.x < e.x1 || p.x > e.x2 || p.y < e.y1 || p.y > e.y2)) cy.animate({ center: { eles: n } }, { duration: 250 });
    }
  }

  /** The ids of the lit actors and links (for tests and the e2e test). */
  lit(): { actors: string[]; links: string[] } {
    return {
      actors: this.cy.nodes('node.hl').map((n) => n.id()),
      links: this.cy.edges('edge.hl').map((e) => e.data('link') as string),
    };
  }

  /** Names follow the interface language. */
  relabel(): void {
    if (!this.doc) return;
    const byId = new Map(this.doc.actors.map((a) => [a.id, a]));
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => {
        if (n.hasClass('header')) n.data('label', this.i18n.lookup(`vc.role.${n.data('role')}` as MessageKey, n.data('role')));
        else {
          const a = byId.get(n.id());
          if (a) n.data('label', actorLabel(a, this.i18n));
        }
      });
    });
  }

  /** The whole graph as a PNG (white background, twice the screen's resolution). */
  png(): Blob {
    return this.cy.png({ output: 'blob', full: true, bg: '#ffffff', scale: 2 }) as unknown as Blob;
  }

  /** Whether Cytoscape draws nothing (unit tests). */
  get headless(): boolean {
    return this.opts.headless ?? false;
  }

  /** Tells Cytoscape its container changed size, and fits the drawing again unless the user moved it. */
  resize(): void {
    this.cy.resize();
    if (!this.moved && this.doc) this.fit();
  }

  destroy(): void {
    this.observer?.disconnect();
    this.cy.destroy();
  }
}
