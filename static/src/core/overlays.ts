// Overlays: what the page draws over the map itself rather than through
// MapLibre, because MapLibre's symbol layers cannot shape Bangla (place
// labels, cluster and centre names). Each overlay draws onto a 2D canvas
// from a frame that describes the camera; the live map draws into its own
// canvas above the WebGL one, and exports (PNG, PDF, PowerPoint) call the
// same draw on their page canvas, so what is exported is what is shown.

/** The camera and page an overlay draws for. */
export interface OverlayFrame {
  /** Size of the drawing in CSS pixels (the context is already scaled to device pixels). */
  width: number;
  height: number;
  zoom: number;
  /** Position of a longitude/latitude in the drawing's CSS pixels. */
  project(lngLat: [number, number]): [number, number];
  lang: 'en' | 'bn';
  /** Text size factor: 1 on screen, larger in presentation mode and exports. */
  textScale: number;
}

/** Something drawn over the map. */
export interface MapOverlay {
  readonly id: string;
  /** Draws the overlay for frame onto ctx. */
  draw(ctx: CanvasRenderingContext2D, frame: OverlayFrame): void;
  /**
   * Resolves once the overlay has what it needs to draw frame (data for its
   * zoom, say). The live map draws whatever has arrived and draws again
   * later; an export draws a page once, so it awaits this first.
   */
  ready?(frame: OverlayFrame): Promise<void>;
}

/** OverlayRegistry holds the overlays shown, in drawing order, and tells listeners when they change. */
export class OverlayRegistry {
  private readonly items: MapOverlay[] = [];
  private readonly listeners = new Set<() => void>();
  private scale = 1;

  /** The text size factor of the live map's frames: 1, larger while presenting. */
  get textScale(): number {
    return this.scale;
  }

  /** Sets the live map's text size factor; the overlays are placed and drawn again. */
  setTextScale(scale: number): void {
    if (!(scale > 0) || scale === this.scale) return;
    this.scale = scale;
    this.changed();
  }

  /** Adds an overlay on top of the others; returns a function that removes it. */
  add(overlay: MapOverlay): () => void {
    this.items.push(overlay);
    this.changed();
    return () => {
      const i = this.items.indexOf(overlay);
      if (i >= 0) {
        this.items.splice(i, 1);
        this.changed();
      }
    };
  }

  /** The overlays, bottom first. */
  list(): readonly MapOverlay[] {
    return this.items;
  }

  /** Calls fn whenever an overlay is added or removed, or an overlay asks for a redraw; returns a function that unsubscribes. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Asks for a redraw (an overlay's data changed). */
  changed(): void {
    for (const fn of [...this.listeners]) fn();
  }
}
