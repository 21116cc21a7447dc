// What a view is (explore today; clusters, value chains and presentations
// next) and the registry that loads them by name. A view mounts into the
// shared map and page through a ViewContext and leaves nothing behind when
// it unmounts: its layers, sources, map listeners and controls go through
// ctx.layers (cleared by the shell after unmount), its other listeners are
// undone in unmount (or handed to ctx.layers.track).

import type { Map as MapLibreMap } from 'maplibre-gl';
import type { AccountControl } from '../controls/account-control';
import type { I18n } from './i18n';
import type { LayerScope } from './layers';
import type { OverlayRegistry } from './overlays';
import type { Session } from './session';

/** What the shell lends a mounted view. */
export interface ViewContext {
  map: MapLibreMap;
  /** Sources, layers (by slot), map listeners and controls added here are removed when the view unmounts. */
  layers: LayerScope;
  /** The page element that holds the map; panels go here. */
  root: HTMLElement;
  /** What the page draws over the map (labels); add through ctx.layers.track(ctx.overlays.add(…)) so it goes on unmount. */
  overlays: OverlayRegistry;
  i18n: I18n;
  session: Session;
  /** The shared account control; a view sets its actions (import, add) and the shell clears them. */
  account: AccountControl;
  /** Resolves once the map's style has loaded (at once when it already has). */
  loaded: Promise<void>;
  /** Whether the map shows a basemap (else a plain background). */
  basemap: boolean;
  /** Settles once the saved sign-in has been checked. */
  sessionRestored: Promise<void>;
  /** Whether the hash placed the camera (z, lon, lat) when the view mounted: then a selection does not move the map. */
  cameraInURL: boolean;
  /** The view's parameters from the hash when it mounts (only the keys it owns). */
  params: Readonly<Record<string, string>>;
  /** Writes the view's parameters to the hash (replacing them, no history entry). */
  setParams(params: Record<string, string>): void;
}

/** One entry of a legend: a swatch of colour and what it stands for. */
export interface LegendItem {
  label: string;
  /** A CSS colour. */
  colour: string;
  /** How the swatch is drawn: a filled square (the default), a circle or a line. */
  shape?: 'fill' | 'circle' | 'line';
}

/** What a view's map shows, as exports (PNG, PDF, PowerPoint) print it. */
export interface Legend {
  title: string;
  items: LegendItem[];
}

/** A view of the app, shown one at a time. */
export interface View {
  /** The hash parameters the view owns, besides the shell's camera (z, lon, lat). */
  readonly params: readonly string[];
  mount(ctx: ViewContext): void | Promise<void>;
  /**
   * The view's parameters changed from outside while it is shown (a link,
   * the back button); camera says whether the new hash placed the camera.
   */
  update?(params: Readonly<Record<string, string>>, camera: boolean): void;
  /** Undoes what mount did outside ctx.layers: DOM, listeners on shared objects, timers, sockets. */
  unmount(): void;
  /** The legend of what the map shows now, in the interface language; exports print it. */
  legend?(): Legend;
  /** Request options for the map's fetches while the view is shown (MapLibre's transformRequest). */
  transformRequest?(url: string, resourceType?: string): { url: string; cache?: RequestCache };
}

/** A view's module: loaded by import() for all but the first page's view. */
export interface ViewModule {
  createView(): View;
}

export type ViewLoader = () => Promise<ViewModule>;

/** ViewRegistry names the views and loads each one's module when first shown. */
export class ViewRegistry {
  private readonly loaders = new Map<string, ViewLoader>();

  constructor(views: Record<string, ViewLoader> = {}) {
    for (const [name, loader] of Object.entries(views)) this.register(name, loader);
  }

  /** Adds a view: loader is usually () => import('../views/<name>'), so its code, strings and styles load on demand. */
  register(name: string, loader: ViewLoader): void {
    this.loaders.set(name, loader);
  }

  has(name: string): boolean {
    return this.loaders.has(name);
  }

  /** A new instance of the named view, loading its module first. */
  async create(name: string): Promise<View> {
    const loader = this.loaders.get(name);
    if (!loader) throw new Error(`no view "${name}"`);
    return (await loader()).createView();
  }
}
