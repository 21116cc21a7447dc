import { describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { ApiError } from '../src/api';
import { changeOf, EnterpriseEditor, type EditorAPI } from '../src/views/explore/enterprise-editor';
import type { EnterprisePopup } from '../src/views/explore/enterprise-popup';
import { I18n } from '../src/core/i18n';
import { SectorCatalogue } from '../src/sectors';
import { Session } from '../src/core/session';
import { SECTORS, shoeMaker } from './fixtures';

async function setup(role = 'editor', api: Partial<EditorAPI> = {}) {
  const container = document.createElement('div');
  const canvas = document.createElement('canvas');
  const handlers: ((e: unknown) => void)[] = [];
  const map = { getContainer: () => container, getCanvas: () => canvas, on: (_: string, fn: (e: unknown) => void) => handlers.push(fn), off: vi.fn() };
  const session = new Session(undefined, async () => ({ role, name: 'Nasrin' }));
  await session.signIn('tok');
  let actions: ((e: ReturnType<typeof shoeMaker>) => HTMLElement | null) | null = null;
  const popup = { setActions: vi.fn((fn) => (actions = fn)), close: vi.fn(), show: vi.fn() };
  const onSaved = vi.fn();
  const full: EditorAPI = { create: vi.fn(), update: vi.fn(), remove: vi.fn(async () => undefined), ...api };
  const editor = new EnterpriseEditor(map as unknown as MapLibreMap, new I18n(), new SectorCatalogue(SECTORS), session, popup as unknown as EnterprisePopup, onSaved, full);
  return { editor, container, popup, onSaved, api: full, session, actions: () => actions, click: (lng: number, lat: number) => handlers.forEach((h) => h({ lngLat: { lng, lat } })) };
}

describe('changeOf', () => {
  it('says what a save changed, as the server would', () => {
    expect(changeOf('updated', 'a', 'dairy', [1, 2], [3, 4])).toEqual({ action: 'updated', count: 1, ids: ['a'], sectors: ['dairy'], points: [[1, 2], [3, 4]] });
    expect(changeOf('deleted', 'a', 'dairy', undefined).points).toEqual([]);
  });
});

describe('EnterpriseEditor', () => {
  it('gives editors Edit, Move and Delete under a popup, and readers nothing', async () => {
    const t = await setup();
    const box = t.actions()!(shoeMaker())!;
    expect([...box.querySelectorAll('.ent-actions-row button')].map((b) => b.textContent)).toEqual(['Edit', 'Move', 'Delete']);
    t.session.signOut();
    expect(t.actions()).toBeNull();
  });

  it('deletes after a confirmation and reports the change', async () => {
    const t = await setup();
    const box = t.actions()!(shoeMaker())!;
    box.querySelector<HTMLButtonElement>('.ent-delete')!.click();
    expect(box.querySelector('.ent-actions-question')!.textContent).toBe('Delete Rahman Shoe Works? This cannot be undone.');
    expect(t.api.remove).not.toHaveBeenCalled();
    box.querySelector<HTMLButtonElement>('.ent-delete-confirm')!.click();
    await vi.waitFor(() => expect(t.onSaved).toHaveBeenCalled());
    expect(t.api.remove).toHaveBeenCalledWith('demo-00042', 'tok');
    expect(t.popup.close).toHaveBeenCalled();
    expect(t.onSaved).toHaveBeenCalledWith(changeOf('deleted', 'demo-00042', 'footwear_leather', [90.99, 24.05]));
  });

  it('shows the server’s refusal of a delete', async () => {
    const t = await setup('editor', {
      remove: vi.fn(async () => {
        throw new ApiError(403, 'forbidden', 'editors only');
      }),
    });
    const box = t.actions()!(shoeMaker())!;
    box.querySelector<HTMLButtonElement>('.ent-delete')!.click();
    box.querySelector<HTMLButtonElement>('.ent-delete-confirm')!.click();
    await vi.waitFor(() => expect(box.querySelector<HTMLElement>('.ent-actions-status')!.hidden).toBe(false));
    expect(box.querySelector('.ent-actions-status')!.textContent).toBe('Could not delete: editors only');
    expect(t.onSaved).not.toHaveBeenCalled();
  });

  it('in add mode takes the next map click as the place, and Escape leaves the mode', async () => {
    const t = await setup();
    t.editor.startAdd();
    expect(t.editor.isPicking).toBe(true);
    const hint = t.container.querySelector<HTMLElement>('.edit-hint')!;
    expect(hint.hidden).toBe(false);
    expect(hint.textContent).toMatch(/Click the map where the enterprise is/);
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(t.editor.isPicking).toBe(false);
    expect(hint.hidden).toBe(true);
  });

  it('offers no add mode to readers', async () => {
    const t = await setup('viewer');
    t.editor.startAdd();
    expect(t.editor.isPicking).toBe(false);
  });
});
