import { describe, expect, it, vi } from 'vitest';
import type { MapOverlay, OverlayFrame } from '../src/core/overlays';
import { drawOverlays } from '../src/export/compose';
import { LabelOverlay } from '../src/labels/overlay';

/** A promise with its resolve at hand. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function pageFrame(): OverlayFrame {
  return { width: 800, height: 600, zoom: 8, project: ([lon, lat]) => [(lon - 89) * 200, (25 - lat) * 200], lang: 'bn', textScale: 1 };
}

/** A 2D context that records the texts filled and measures 0.6 em a character. */
function recordingContext() {
  const filled: string[] = [];
  const ctx = {
    font: '',
    save() {},
    restore() {},
    strokeText() {},
    fillText: (text: string) => void filled.push(text),
    measureText(text: string) {
      return { width: text.length * 0.6 * Number(/([\d.]+)px/.exec(this.font)![1]) };
    },
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, filled };
}

describe('drawOverlays (an export page’s overlays)', () => {
  it('waits for every overlay to be ready for the page’s frame and for the fonts before drawing any', async () => {
    const labels = deferred();
    const fonts = deferred();
    const order: string[] = [];
    // A label overlay whose names arrive only when its loader has fetched them, as the admin names do.
    const names: { en: string; bn: string }[] = [];
    const style = { size: 13, weight: 600, colour: '#333' } as const;
    const admin = new LabelOverlay(
      'admin-labels',
      () => names.map((n, i) => ({ id: `u${i}`, ...n, at: [90.5 + i, 24] as [number, number], priority: 13, rank: i + 1, style })),
      undefined,
      async (f) => {
        order.push(`load z${f.zoom}`);
        await labels.promise;
        names.push({ en: 'Kishoreganj', bn: 'কিশোরগঞ্জ' }, { en: 'Narsingdi', bn: 'নরসিংদী' });
        admin.changed();
      },
    );
    const plain: MapOverlay = { id: 'plain', draw: (_ctx, f) => void order.push(`plain ${f === frame}`) };
    const { ctx, filled } = recordingContext();
    const frame = pageFrame();
    const done = drawOverlays(ctx, [admin, plain], frame, { ready: fonts.promise });
    await flush();
    expect(order).toEqual(['load z8']);
    expect(filled).toEqual([]);
    labels.resolve();
    await flush();
    expect(filled).toEqual([]); // the fonts are still loading
    fonts.resolve();
    await done;
    expect(filled).toEqual(['কিশোরগঞ্জ', 'নরসিংদী']);
    expect(order).toEqual(['load z8', 'plain true']);
  });

  it('draws the other overlays when one cannot get ready or fails to draw', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const drawn: string[] = [];
    const overlays: MapOverlay[] = [
      { id: 'offline', ready: () => Promise.reject(new Error('no labels')), draw: () => void drawn.push('offline') },
      { id: 'broken', draw: () => { throw new Error('bad data'); } },
      { id: 'fine', draw: () => void drawn.push('fine') },
    ];
    const { ctx } = recordingContext();
    await drawOverlays(ctx, overlays, pageFrame(), { ready: Promise.resolve() });
    expect(drawn).toEqual(['offline', 'fine']);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });
});
