// ViewHost shows one view at a time, as the route names it: it loads the
// view's module through the registry, mounts it with a fresh layer scope
// and the hash parameters it owns, and on a switch unmounts it and clears
// its scope before the next one mounts. It also writes the hash: the
// shell's parameters (the camera) first, then the shown view's.

import type { LayerRegistry, LayerScope } from './layers';
import { DEFAULT_VIEW, type Route, type Router } from './router';
import type { View, ViewContext, ViewRegistry } from './view';

/** The context every view shares; the host adds the per-view parts. */
export type SharedContext = Omit<ViewContext, 'layers' | 'params' | 'setParams' | 'cameraInURL'>;

export interface HostOptions {
  views: ViewRegistry;
  layers: LayerRegistry;
  router: Router;
  shared: SharedContext;
  /** The hash parameters the shell owns, now (the camera). */
  shellParams(): Record<string, string>;
  /** Whether a route's parameters place the camera. */
  hasCamera(params: Readonly<Record<string, string>>): boolean;
}

/** The parameters of params that keys names, in params' order. */
export function pick(params: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => keys.includes(k)));
}

interface Shown {
  name: string;
  view: View;
  scope: LayerScope;
  params: Record<string, string>;
}

export class ViewHost {
  private current: Shown | null = null;
  /** Counts switches, so a slow load that was overtaken mounts nothing. */
  private generation = 0;

  constructor(private readonly opts: HostOptions) {}

  /** The name of the shown view ("" before the first). */
  get name(): string {
    return this.current?.name ?? '';
  }

  /** The shown view. */
  get view(): View | null {
    return this.current?.view ?? null;
  }

  /** Writes the hash: the shell's parameters, then the shown view's. */
  writeHash(): void {
    this.opts.router.replace({ ...this.opts.shellParams(), ...(this.current?.params ?? {}) }, this.current?.name);
  }

  /**
   * Shows the route's view (the default one for a name no view has), or
   * passes the route's parameters to the shown view when it is the same.
   * Resolves once the view has mounted.
   */
  async show(route: Route): Promise<void> {
    const name = this.opts.views.has(route.view) ? route.view : DEFAULT_VIEW;
    const camera = this.opts.hasCamera(route.params);
    if (this.current?.name === name) {
      this.current.view.update?.(pick(route.params, this.current.view.params), camera);
      return;
    }
    const turn = ++this.generation;
    const view = await this.opts.views.create(name);
    if (turn !== this.generation) return;
    this.unmount();
    const shown: Shown = { name, view, scope: this.opts.layers.scope(), params: pick(route.params, view.params) };
    this.current = shown;
    this.writeHash();
    await view.mount({
      ...this.opts.shared,
      layers: shown.scope,
      params: shown.params,
      cameraInURL: camera,
      setParams: (next) => {
        if (this.current !== shown) return;
        shown.params = pick(next, view.params);
        this.writeHash();
      },
    });
  }

  /** Unmounts the shown view and clears its scope. */
  unmount(): void {
    const shown = this.current;
    if (!shown) return;
    this.current = null;
    try {
      shown.view.unmount();
    } finally {
      shown.scope.clear();
    }
  }
}
