import { describe, expect, it } from 'vitest';
import { affectedTiles, intersect, tileOf, tilesForBBox, tilesForPoints } from '../src/views/explore/live-tiles';

const keys = (ts: { z: number; x: number; y: number }[]) => ts.map((t) => `${t.z}/${t.x}/${t.y}`).sort();

describe('tile selection', () => {
  it('finds the tile of a point at each zoom (Bhairab)', () => {
    expect(tileOf([90.99, 24.05], 0)).toEqual({ z: 0, x: 0, y: 0 });
    expect(tileOf([90.99, 24.05], 8)).toEqual({ z: 8, x: 192, y: 110 });
    expect(tileOf([90.99, 24.05], 14)).toEqual({ z: 14, x: 12333, y: 7063 });
  });

  it('lists each tile once across zooms, for old and new points alike', () => {
    // The first point lies within 1/16 tile of the south edge at z12 and the west edge at z14.
    const ts = tilesForPoints([[90.99, 24.05], [90.9901, 24.0501]], 12, 14);
    expect(keys(ts)).toEqual(['12/3083/1765', '12/3083/1766', '13/6166/3531', '14/12332/7063', '14/12333/7063']);
  });

  it('adds the neighbour whose buffer draws a point near the tile edge', () => {
    // 90.0 is the edge between z8 tiles 191 and 192.
    const ts = tilesForPoints([[90.0001, 24.05]], 8, 8);
    expect(keys(ts)).toEqual(['8/191/110', '8/192/110']);
  });

  it('skips points that are not numbers', () => {
    expect(tilesForPoints([[NaN, 24]], 0, 3)).toEqual([]);
  });

  it('lists the tiles a bbox intersects, and gives up past the limit', () => {
    const { tiles, complete } = tilesForBBox([90.9, 23.9, 91.1, 24.1], 8, 10);
    expect(complete).toBe(true);
    expect(keys(tiles)).toContain('8/192/110');
    expect(keys(tiles.filter((t) => t.z === 10))).toEqual(['10/770/441', '10/771/441']);
    const all = tilesForBBox([88, 20.5, 92.7, 26.7], 0, 14, 256);
    expect(all.complete).toBe(false);
    expect(all.tiles.length).toBeLessThanOrEqual(256);
  });

  it('intersects bboxes', () => {
    expect(intersect([0, 0, 2, 2], [1, 1, 3, 3])).toEqual([1, 1, 2, 2]);
    expect(intersect([0, 0, 1, 1], [2, 2, 3, 3])).toBeNull();
  });

  it('chooses the tiles of a change: points first, else the bbox within the view', () => {
    const view: [number, number, number, number] = [90.5, 23.5, 91.5, 24.5];
    const edit = affectedTiles({ action: 'updated', count: 1, ids: ['a'], points: [[90.99, 24.05], [91.2, 24.2]] }, view, 14);
    expect(edit).not.toBe('all');
    expect(keys(edit as never)).toEqual(expect.arrayContaining(['14/12333/7063', '14/12342/7056', '0/0/0']));
    const far = affectedTiles({ action: 'imported', count: 500, bbox: [88, 21, 88.5, 21.5] }, view, 10);
    expect(far).toEqual([]);
    const near = affectedTiles({ action: 'imported', count: 500, bbox: [90.9, 23.9, 91.1, 24.1] }, view, 9);
    expect(near).not.toBe('all');
    expect(keys(near as never)).toContain('9/385/220');
    const big = affectedTiles({ action: 'imported', count: 5000, bbox: [88, 20.5, 92.7, 26.7] }, [88, 20.5, 92.7, 26.7], 14);
    expect(big).toBe('all');
    expect(affectedTiles({ action: 'updated', count: 1, ids: ['x'], bbox: [0, 0, 0, 0] }, view, 14)).toEqual([]);
  });
});
