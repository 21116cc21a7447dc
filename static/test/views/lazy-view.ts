// A view for the tests, loaded with import() as real views other than
// explore are: it adds a layer in the analysis slot, a source, a map
// listener and a page element, all through ctx.layers.

import type { View, ViewContext } from '../../src/core/view';

/** How many times this module was evaluated (it should be once, when first shown). */
export let evaluations = 0;
evaluations++;

export class LazyView implements View {
  readonly params = ['method'] as const;
  mount(ctx: ViewContext): void {
    ctx.layers.addSource('lazy', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    ctx.layers.addLayer('analysis', { id: 'lazy-fill', type: 'fill', source: 'lazy' });
    ctx.layers.listen('click', () => {});
    const note = document.createElement('p');
    note.className = 'lazy-note';
    ctx.root.append(note);
    ctx.layers.track(() => note.remove());
  }
  unmount(): void {}
}

export function createView(): View {
  return new LazyView();
}
