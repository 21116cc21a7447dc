// Place labels on the live map: the canvas every overlay is drawn on and the
// admin units' names, loaded with import() after the first page so that
// its JavaScript does not grow. docs/labels.md describes the whole.

import type { Map as MapLibreMap } from 'maplibre-gl';
import type { I18n } from '../core/i18n';
import type { OverlayRegistry } from '../core/overlays';
import { AdminLabels } from './admin';
import { OverlayCanvas } from './canvas';
import { LabelOverlay } from './overlay';
import type { PlacedLabel } from './placement';

/** What the end-to-end tests read: the labels placed on the live map's last frame. */
export interface LabelsHandle {
  placed(): PlacedLabel[];
  /** Resolves once the fonts are loaded and the levels of the current zoom have arrived. */
  ready(): Promise<void>;
  /** Places and draws a fresh frame now; returns how long it took in ms. */
  time(): number;
}

declare global {
  interface Window {
    __gucchoLabels?: LabelsHandle;
  }
}

/** The faces labels use, each with a sample of the script it must cover. */
const FACES: [string, string][] = [
  ['400 16px "Noto Sans Bengali"', 'বাংলা'],
  ['600 16px "Noto Sans Bengali"', 'বাংলা'],
  ['400 16px "Noto Sans"', 'Dhaka'],
  ['600 16px "Noto Sans"', 'Dhaka'],
];

/**
 * Draws the registry's overlays over map and adds the admin units' names to
 * it; returns a function that removes both.
 */
export function startLabels(map: MapLibreMap, overlays: OverlayRegistry, i18n: I18n): () => void {
  const canvas = new OverlayCanvas(map, overlays, i18n);
  const admin = new AdminLabels(() => overlay.changed());
  const overlay: LabelOverlay = new LabelOverlay('admin-labels', (f) => admin.candidates(f), overlays, (f) => admin.load(f.zoom));
  const removeOverlay = overlays.add(overlay);
  // A canvas does not ask for a web font by itself: load the faces, then draw again.
  const fonts = Promise.all(FACES.map(([font, text]) => document.fonts?.load(font, text))).then(
    () => canvas.schedule(),
    (err) => console.warn('guccho: label fonts unavailable', err),
  );
  window.__gucchoLabels = {
    placed: () => {
      const ctx = canvas.canvas.getContext('2d');
      return canvas.frame && ctx ? overlay.placed(canvas.frame, ctx) : [];
    },
    ready: async () => {
      await fonts;
      await admin.load(map.getZoom());
    },
    time: () => {
      const t0 = performance.now();
      canvas.draw();
      return performance.now() - t0;
    },
  };
  return () => {
    delete window.__gucchoLabels;
    removeOverlay();
    canvas.remove();
  };
}

export { LabelOverlay } from './overlay';
export type { LabelCandidate, PlacedLabel } from './placement';
