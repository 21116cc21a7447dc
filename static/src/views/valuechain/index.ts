// The value-chain view (#view=valuechain&chain=<id>): a split screen with
// the chain's graph in stage columns and its Sankey on the left, the map
// with flow lines and actor points on the right, and the panel of the
// selected actor or link. A selection in any of the three lights up in the
// other two and opens the panel; the hash keeps it (actor= or link=).
// #view=valuechain&cluster=<id>[&sector=<code>&admin=<pcode>] opens the
// chain of a cluster (a cluster's profile links here), or of its sector in
// its area when none names the cluster, or lists them. Editors add,
// edit and delete actors and links in the panel; every open copy follows
// changes live (topic valuechains). The module and its libraries
// (Cytoscape, d3) load with import() when the view is first shown.

import { errorText } from '../../core/errors';
import type { I18n } from '../../core/i18n';
import { canEdit } from '../../core/session';
import type { Legend, View, ViewContext } from '../../core/view';
import { LiveClient, socketURL, type LiveOptions } from '../../live';
import {
  createActor,
  createLink,
  deleteActor,
  deleteLink,
  exportURL,
  fetchChain,
  listChains,
  updateActor,
  updateLink,
  type ChainDoc,
  type ChainSummary,
  type ExportFormat,
} from './api';
import { addAdminLayers } from '../explore/admin-layers';
import { ChainGraph } from './graph';
import { ChainMapLayers } from './map-layers';
import { boundsOf, columnsOf, FLOW_COLOURS, FLOWS, neighbourhood, type Selected } from './model';
import { ChainPanel } from './panel';
import { ChainSankey } from './sankey';
import './strings';
import './valuechain.css';

const SANKEY_HEIGHT = 260;

/** Times of the last render, in ms from the start of the load (the e2e test reads them). */
export interface RenderTimes {
  actors: number;
  /** The chain document arrived. */
  fetched: number;
  /** Building the graph (elements, column order, positions), in ms. */
  graph: number;
  /** Building the Sankey, in ms. */
  sankey: number;
  /** Graph (its first frame), Sankey and map source drawn. */
  firstRender: number;
}

/** The selection in the hash: actor=<id> or link=<id>. */
export function selectionOf(params: Readonly<Record<string, string>>): Selected | null {
  if (params.actor) return { kind: 'actor', id: params.actor };
  if (params.link) return { kind: 'link', id: params.link };
  return null;
}

/** How the view is built: the unit tests draw the graph headless and give a fake socket. */
export interface ValueChainOptions {
  headless?: boolean;
  createSocket?: LiveOptions['createSocket'];
}

export class ValueChainView implements View {
  readonly params = ['chain', 'cluster', 'sector', 'admin', 'actor', 'link'] as const;
  /** The chain shown (while mounted). */
  doc: ChainDoc | null = null;
  graph: ChainGraph | null = null;
  sankey: ChainSankey | null = null;
  mapLayers: ChainMapLayers | null = null;
  panel: ChainPanel | null = null;
  live: LiveClient | null = null;
  times: RenderTimes | null = null;
  private mounted = false;
  private follow: ((params: Readonly<Record<string, string>>) => void) | null = null;

  private i18n: I18n | null = null;

  constructor(private readonly opts: ValueChainOptions = {}) {}

  /** The flows the map draws, in their colours, for exports. */
  legend(): Legend {
    const i18n = this.i18n;
    if (!i18n) return { title: '', items: [] };
    return {
      title: i18n.t('vc.title'),
      items: FLOWS.map((f) => ({ label: i18n.t(`vc.flow.${f}`), colour: FLOW_COLOURS[f], shape: 'line' as const })),
    };
  }

  update(params: Readonly<Record<string, string>>): void {
    this.follow?.(params);
  }

  unmount(): void {
    this.mounted = false;
    this.follow = null;
    this.doc = this.graph = this.sankey = this.mapLayers = this.panel = this.live = null;
  }

  async mount(ctx: ViewContext): Promise<void> {
    this.mounted = true;
    const { map, layers, root, i18n, session } = ctx;
    this.i18n = i18n;
    const t = i18n.t.bind(i18n);
    let params: Record<string, string> = { ...ctx.params };
    let sel = selectionOf(params);

    // The split screen: the pane on the left, the map on the right.
    root.classList.add('vc-split');
    const pane = document.createElement('section');
    pane.className = 'vc-pane';
    pane.dataset.state = 'loading';
    root.append(pane);
    map.resize();
    layers.track(() => {
      pane.remove();
      root.classList.remove('vc-split');
      map.resize();
    });

    const head = document.createElement('header');
    head.className = 'vc-head';
    const toolbar = document.createElement('div');
    toolbar.className = 'vc-toolbar';
    const graphBox = document.createElement('div');
    graphBox.className = 'vc-graph';
    const notes = document.createElement('ul');
    notes.className = 'vc-notes';
    const legend = document.createElement('div');
    legend.className = 'vc-legend';
    const status = document.createElement('p');
    status.className = 'vc-status';
    status.setAttribute('role', 'status');
    pane.append(head, toolbar, status, graphBox, notes, legend);

    const select = (next: Selected | null) => {
      sel = next;
      const near = this.doc ? neighbourhood(this.doc, sel) : { actors: new Set<string>(), links: new Set<string>() };
      this.graph?.highlight(sel, near);
      this.sankey?.highlight(sel ? near : null);
      this.mapLayers?.highlight(near);
      this.panel?.show(sel);
      const { actor: _a, link: _l, ...rest } = params;
      params = { ...rest, ...(sel ? { [sel.kind]: sel.id } : {}) };
      ctx.setParams(params);
    };

    const graph = new ChainGraph(graphBox, i18n, { onSelect: select, headless: this.opts.headless });
    this.graph = graph;
    const sankey = new ChainSankey(i18n, select);
    this.sankey = sankey;
    pane.append(sankey.element);
    const mapLayers = new ChainMapLayers(map, layers);
    this.mapLayers = mapLayers;
    layers.track(() => graph.destroy());
    // The admin boundaries under the flows, so that places read on the map.
    void ctx.loaded.then(() => {
      if (this.mounted) addAdminLayers(layers, location.origin, ctx.basemap);
    });

    // Edits: saved through the API, then the chain reloads (other browsers reload on the live event).
    const token = () => session.bearer ?? '';
    const chainID = () => params.chain ?? '';
    const panel = new ChainPanel(i18n, {
      saveActor: async (input, existing) => {
        if (existing) await updateActor(chainID(), existing, input, token());
        else await createActor(chainID(), input, token());
        await load(chainID(), { keep: true });
        select({ kind: 'actor', id: input.id ?? existing! });
      },
      deleteActor: async (id) => {
        await deleteActor(chainID(), id, token());
        await load(chainID(), { keep: true });
        select(null);
      },
      saveLink: async (input, existing) => {
        const saved = existing ? await updateLink(chainID(), existing, input, token()) : await createLink(chainID(), input, token());
        await load(chainID(), { keep: true });
        select({ kind: 'link', id: saved?.id ?? existing! });
      },
      deleteLink: async (id) => {
        await deleteLink(chainID(), id, token());
        await load(chainID(), { keep: true });
        select(null);
      },
      select,
      confirm: (message) => window.confirm(message),
    });
    this.panel = panel;
    root.append(panel.element);
    layers.track(() => panel.element.remove());

    const drawHead = () => {
      head.replaceChildren();
      const doc = this.doc;
      const h = document.createElement('h2');
      h.className = 'vc-name';
      if (!doc) {
        h.textContent = t('vc.title');
        head.append(h);
        return;
      }
      const names = i18n.unitNames({ name_en: doc.chain.name || doc.chain.id, name_bn: doc.chain.name_bn });
      h.textContent = names.primary;
      head.append(h);
      if (names.secondary) {
        const s = document.createElement('span');
        s.className = 'vc-name-secondary';
        s.textContent = names.secondary;
        head.append(s);
      }
      const counts = document.createElement('span');
      counts.className = 'vc-counts';
      counts.textContent = t('vc.counts', { actors: doc.actors.length, links: doc.links.length });
      head.append(counts);
      if (doc.chain.synthetic) {
        const badge = document.createElement('span');
        badge.className = 'vc-synthetic';
        badge.textContent = t('vc.synthetic');
        head.append(badge);
      }
    };

    const drawToolbar = () => {
      toolbar.replaceChildren();
      const doc = this.doc;
      if (!doc) return;
      const label = document.createElement('span');
      label.textContent = t('vc.export') + ':';
      toolbar.append(label);
      for (const f of ['graphml', 'geojson', 'csv'] as ExportFormat[]) {
        const a = document.createElement('a');
        a.className = 'vc-export';
        a.href = exportURL(doc.chain.id, f);
        a.download = `${doc.chain.id}.${f === 'geojson' ? 'geojson' : f}`;
        a.dataset.format = f;
        a.textContent = t(`vc.export.${f}`);
        toolbar.append(a);
      }
      const png = document.createElement('button');
      png.type = 'button';
      png.className = 'vc-export-png';
      png.textContent = t('vc.export.png');
      png.addEventListener('click', () => {
        const url = URL.createObjectURL(graph.png());
        const a = document.createElement('a');
        a.href = url;
        a.download = `${doc.chain.id}.png`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      });
      toolbar.append(png);
      if (canEdit(session.me)) {
        for (const kind of ['actor', 'link'] as const) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = `vc-add-${kind}`;
          b.textContent = t(kind === 'actor' ? 'vc.edit.addActor' : 'vc.edit.addLink');
          b.addEventListener('click', () => panel.startNew(kind));
          toolbar.append(b);
        }
      }
    };

    const drawNotes = () => {
      notes.replaceChildren();
      const doc = this.doc;
      if (!doc) return;
      for (const c of columnsOf(doc).columns.filter((c) => c.missing)) {
        const li = document.createElement('li');
        li.dataset.role = c.role;
        li.textContent = t('vc.missingNote', { role: i18n.lookup(`vc.role.${c.role}`, c.role) });
        notes.append(li);
      }
    };

    const drawLegend = () => {
      legend.replaceChildren();
      const item = (cls: string, text: string, colour?: string) => {
        const s = document.createElement('span');
        s.className = 'vc-legend-item';
        const sw = document.createElement('i');
        sw.className = cls;
        if (colour) sw.style.background = colour;
        s.append(sw, document.createTextNode(text));
        legend.append(s);
      };
      for (const f of FLOWS) item('vc-swatch-line', t(`vc.flow.${f}`), FLOW_COLOURS[f]);
      item('vc-swatch-key', t('vc.legend.key'));
      item('vc-swatch-bottleneck', t('vc.legend.bottleneck'));
      item('vc-swatch-width', t('vc.legend.width'));
      item('vc-swatch-dashed', t('vc.legend.unvalued'));
    };

    const sankeySize = () => ({ width: Math.max(240, pane.clientWidth - 24), height: SANKEY_HEIGHT });

    let loadTurn = 0;
    /** The chain the map was last fitted to, and whether no chain has been drawn yet. */
    let fitted = '';
    let firstLoad = true;
    /** Loads and draws a chain; keep leaves the selection as it is (after an edit or a live change). */
    const load = async (id: string, opts: { keep?: boolean } = {}) => {
      const turn = ++loadTurn;
      const start = performance.now();
      if (!opts.keep) {
        pane.dataset.state = 'loading';
        status.textContent = t('vc.loading');
      }
      let doc: ChainDoc;
      try {
        doc = await fetchChain(id);
      } catch (err) {
        if (!this.mounted || turn !== loadTurn) return;
        pane.dataset.state = 'error';
        status.textContent = t('vc.error', { message: errorText(i18n, err) });
        return;
      }
      if (!this.mounted || turn !== loadTurn) return;
      const fetched = performance.now() - start;
      this.doc = doc;
      status.textContent = '';
      drawHead();
      drawToolbar();
      drawNotes();
      const g0 = performance.now();
      graph.render(doc);
      const g1 = performance.now();
      const size = sankeySize();
      sankey.render(doc, size.width, size.height);
      const g2 = performance.now();
      panel.setChain(doc);
      await ctx.loaded;
      if (!this.mounted || turn !== loadTurn) return;
      mapLayers.show(doc);
      // A chain's first drawing shows all its located actors, unless the hash placed the camera where they all are.
      const bounds = boundsOf(doc);
      if (bounds && fitted !== doc.chain.id) {
        // A flight to the hash's camera (a saved view or a slide, opened with app.open) is judged where it lands, not
        // mid-air. (A resize fires moveend in mid-flight too: the map still moves then.)
        while (firstLoad && ctx.cameraInURL && map.isMoving?.()) {
          await new Promise<void>((resolve) => map.once('moveend', () => resolve()));
          if (!this.mounted || turn !== loadTurn) return;
        }
        fitted = doc.chain.id;
        const view = map.getBounds?.();
        const inside = !!view && view.contains([bounds[0], bounds[1]]) && view.contains([bounds[2], bounds[3]]);
        if (!(ctx.cameraInURL && inside && firstLoad)) map.fitBounds(bounds, { padding: 60, maxZoom: 12, duration: 0 });
      }
      firstLoad = false;
      if (sel && !(sel.kind === 'actor' ? doc.actors.some((a) => a.id === sel!.id) : doc.links.some((l) => l.id === sel!.id))) sel = null;
      select(sel);
      await new Promise<void>((resolve) => (graph.headless ? resolve() : graph.cy.one('render', () => resolve())));
      const firstRender = performance.now() - start;
      this.times = { actors: doc.actors.length, fetched, graph: g1 - g0, sankey: g2 - g1, firstRender };
      pane.dataset.state = 'ready';
    };

    /**
     * Lists the chains of a cluster (or all), and opens the only one. A
     * cluster without a chain of its own falls back to the chains of its
     * sector in its area, when the link names them (sector=, admin=).
     */
    const choose = async (cluster: string, sector = '', admin = '') => {
      pane.dataset.state = 'choosing';
      drawHead();
      status.textContent = t('vc.loading');
      let chains: ChainSummary[];
      try {
        chains = await listChains(cluster ? { cluster } : { sector, admin });
        if (cluster && !chains.length && (sector || admin)) chains = await listChains({ sector, admin });
      } catch (err) {
        if (!this.mounted) return;
        status.textContent = t('vc.error', { message: errorText(i18n, err) });
        return;
      }
      if (!this.mounted) return;
      if ((cluster || sector || admin) && chains.length === 1) {
        params = { chain: chains[0].id };
        ctx.setParams(params);
        void load(chains[0].id);
        return;
      }
      status.textContent = chains.length ? t('vc.choose') : t(cluster ? 'vc.noneForCluster' : 'vc.none');
      const list = document.createElement('ul');
      list.className = 'vc-chooser';
      for (const c of chains) {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.chain = c.id;
        const names = i18n.unitNames({ name_en: c.name || c.id, name_bn: c.name_bn });
        b.textContent = `${names.primary} — ${t('vc.counts', { actors: c.actors, links: c.links })}`;
        b.addEventListener('click', () => {
          list.remove();
          params = { chain: c.id };
          ctx.setParams(params);
          void load(c.id);
        });
        li.append(b);
        list.append(li);
      }
      status.after(list);
      layers.track(() => list.remove());
    };

    // The language: names, headers, notes, legend, Sankey and panel follow.
    layers.track(
      i18n.onChange(() => {
        drawHead();
        drawToolbar();
        drawNotes();
        drawLegend();
        graph.relabel();
        if (this.doc) {
          const size = sankeySize();
          sankey.render(this.doc, size.width, size.height);
          sankey.highlight(sel ? neighbourhood(this.doc, sel) : null);
        }
        panel.redraw();
      }),
    );
    // Editors get the edit controls.
    const applyRole = () => {
      panel.setEditable(canEdit(session.me));
      drawToolbar();
    };
    layers.track(session.onChange(() => {
      applyRole();
      live.reconnect();
    }));
    void ctx.sessionRestored.finally(() => {
      if (this.mounted) applyRole();
    });

    // Clicks on the map select actors and links.
    layers.listen('click', (e) => {
      const picked = mapLayers.pick([e.point.x, e.point.y]);
      if (picked) select(picked);
    });
    layers.listen('mousemove', (e) => {
      map.getCanvas().style.cursor = mapLayers.pick([e.point.x, e.point.y]) ? 'pointer' : '';
    });
    const onResize = () => graph.resize();
    window.addEventListener('resize', onResize);
    layers.track(() => window.removeEventListener('resize', onResize));

    // Live: an edit anywhere reloads the chain shown.
    const live = new LiveClient({ url: () => socketURL(location, session.bearer), createSocket: this.opts.createSocket });
    this.live = live;
    let reloadTimer: ReturnType<typeof setTimeout> | undefined;
    /** Reloads the chain shortly; while a form is open, once it has closed. */
    const reloadSoon = (delay = 100) => {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => {
        if (!this.mounted || !params.chain) return;
        if (panel.isEditing) reloadSoon(1000);
        else void load(params.chain, { keep: true });
      }, delay);
    };
    layers.track(
      live.on('event', (ev) => {
        if (ev.type !== 'valuechains.changed') return;
        const p = (ev.payload ?? {}) as { chain?: string; id?: string; chain_id?: string };
        const changed = p.chain ?? p.chain_id ?? p.id;
        if (!changed || changed === params.chain) reloadSoon();
      }),
    );
    layers.track(live.on('reset', () => reloadSoon()));
    live.subscribe({ topics: ['valuechains'] });
    void ctx.sessionRestored.finally(() => {
      if (this.mounted) live.start();
    });
    layers.track(() => {
      clearTimeout(reloadTimer);
      live.stop();
    });

    // A debug handle for the browser tests, removed on unmount.
    (window as unknown as { __gucchoValueChain?: ValueChainView }).__gucchoValueChain = this;
    layers.track(() => delete (window as unknown as { __gucchoValueChain?: ValueChainView }).__gucchoValueChain);

    this.follow = (next) => {
      const nextSel = selectionOf(next);
      if (next.chain && next.chain !== params.chain) {
        params = { ...next };
        sel = nextSel;
        void load(next.chain);
        return;
      }
      params = { ...next };
      if (nextSel?.kind !== sel?.kind || nextSel?.id !== sel?.id) select(nextSel);
    };

    drawHead();
    drawLegend();
    if (params.chain) await load(params.chain);
    else await choose(params.cluster ?? '', params.sector ?? '', params.admin ?? '');
  }
}

/** The view's module entry, for the registry. */
export function createView(): ValueChainView {
  return new ValueChainView();
}
