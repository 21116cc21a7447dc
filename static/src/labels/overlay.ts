// LabelOverlay: names written on the map (admin units, clusters, centres)
// as a MapOverlay. All label overlays of one registry are placed together,
// once per frame, so a cluster's name pushes aside the admin names under it
// whichever overlay is drawn first; each overlay then draws its own labels.

import type { MapOverlay, OverlayFrame, OverlayRegistry } from '../core/overlays';
import { placeLabels, type LabelCandidate, type PlacedLabel } from './placement';

/** A placement remembered for one frame object, with the frame's state it was made for. */
interface Placement {
  key: string;
  /** Placed labels by the id of the overlay that owns them. */
  byOverlay: Map<string, PlacedLabel[]>;
  all: PlacedLabel[];
}

const placements = new WeakMap<OverlayFrame, Placement>();

/** What identifies a frame's camera and page, so a frame object changed in place is placed again. */
function frameKey(f: OverlayFrame): string {
  const a = f.project([90, 24]);
  const b = f.project([91, 23]);
  return [f.width, f.height, f.zoom, f.lang, f.textScale, a[0], a[1], b[0], b[1]].join(',');
}

/** Text widths measured on each context, by font and text (kept across frames: moving the map measures nothing new). */
const widths = new WeakMap<CanvasRenderingContext2D, Map<string, number>>();

/** A text measure on ctx, with a cache per font and text. */
function measurer(ctx: CanvasRenderingContext2D): (text: string, font: string) => number {
  let cache = widths.get(ctx);
  if (!cache) widths.set(ctx, (cache = new Map()));
  return (text, font) => {
    const key = font + '\u0000' + text;
    let w = cache.get(key);
    if (w === undefined) {
      ctx.font = font;
      w = ctx.measureText(text).width;
      cache!.set(key, w);
    }
    return w;
  };
}

/** A MapOverlay of names, placed with every other LabelOverlay in its registry. */
export class LabelOverlay implements MapOverlay {
  /** Bumped whenever the candidates change, so remembered placements are not reused. */
  private generation = 0;

  /**
   * id names the overlay; candidates gives its names for a frame (it must
   * depend on the frame and the overlay's data only); registry, when given,
   * is the registry the overlay is added to, whose other label overlays it
   * is placed with; load, when given, fetches what a frame needs (ready
   * waits for it).
   */
  constructor(
    readonly id: string,
    private readonly candidates: (frame: OverlayFrame) => LabelCandidate[],
    private readonly registry?: OverlayRegistry,
    private readonly load?: (frame: OverlayFrame) => Promise<void>,
  ) {}

  /** Resolves once the overlay has the data frame needs (an export awaits it before drawing a page). */
  ready(frame: OverlayFrame): Promise<void> {
    return this.load?.(frame) ?? Promise.resolve();
  }

  /** Tells the overlay its candidates changed, and the registry to redraw. */
  changed(): void {
    this.generation++;
    this.registry?.changed();
  }

  /** The labels placed for frame, of all label overlays placed together (the e2e test reads them). */
  placed(frame: OverlayFrame, ctx: CanvasRenderingContext2D): PlacedLabel[] {
    return this.placement(frame, ctx).all;
  }

  draw(ctx: CanvasRenderingContext2D, frame: OverlayFrame): void {
    const mine = this.placement(frame, ctx).byOverlay.get(this.id) ?? [];
    ctx.save();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.92)';
    for (const l of mine) {
      if (!l.text) continue;
      ctx.font = l.font;
      ctx.lineWidth = Math.max(2.5, l.size * 0.26);
      ctx.strokeText(l.text, l.x, l.y);
      ctx.fillStyle = l.colour;
      ctx.fillText(l.text, l.x, l.y);
    }
    ctx.restore();
  }

  private group(): LabelOverlay[] {
    const all = (this.registry?.list() ?? []).filter((o): o is LabelOverlay => o instanceof LabelOverlay);
    return all.includes(this) ? all : [this];
  }

  private placement(frame: OverlayFrame, ctx: CanvasRenderingContext2D): Placement {
    const group = this.group();
    const key = frameKey(frame) + '|' + group.map((o) => `${o.id}:${o.generation}`).join(',');
    const known = placements.get(frame);
    if (known && known.key === key) return known;
    const owner = new Map<string, string>();
    const candidates: LabelCandidate[] = [];
    for (const o of group) {
      for (const c of o.candidates(frame)) {
        const id = `${o.id}/${c.id}`;
        owner.set(id, o.id);
        candidates.push({ ...c, id });
      }
    }
    const all = placeLabels(candidates, frame, measurer(ctx));
    const byOverlay = new Map<string, PlacedLabel[]>();
    for (const l of all) {
      const o = owner.get(l.id)!;
      let list = byOverlay.get(o);
      if (!list) byOverlay.set(o, (list = []));
      list.push(l);
    }
    const p = { key, byOverlay, all };
    placements.set(frame, p);
    return p;
  }
}
