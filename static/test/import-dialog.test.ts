import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ImportReport } from '../src/api';
import { I18n } from '../src/core/i18n';
import { formatBytes, ImportDialog, type ImportDeps } from '../src/views/explore/import-dialog';
import { Session } from '../src/core/session';

const finished: ImportReport = {
  id: 'imp-1',
  filename: 'survey.csv',
  format: 'csv',
  status: 'succeeded',
  rows_read: 3,
  created: 2,
  updated: 0,
  unchanged: 0,
  failed: 1,
  methods: { gps: 1, union: 1 },
  flags: {},
  mapping: { name: 'name' },
};

async function signedIn(role: 'editor' | 'admin' = 'editor'): Promise<Session> {
  const s = new Session(undefined, async () => ({ role, name: 'Nasrin' }));
  await s.signIn('tok');
  return s;
}

function choose(input: HTMLInputElement, file: File) {
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
}

function deps(over: Partial<ImportDeps> = {}): ImportDeps {
  return {
    upload: vi.fn(async (_f, o) => {
      o.onProgress?.(512, 1024);
      return { ...finished, status: 'running', rows_read: 0 } as ImportReport;
    }),
    watch: vi.fn(async (_id, o) => {
      o.onUpdate?.({ ...finished, status: 'running', progress: { rows: 2 } });
      return finished;
    }),
    failures: vi.fn(async () => new Blob(['row,reason\n'])),
    undo: vi.fn(async () => ({ ...finished, status: 'undone', undone_at: '2026-11-29T10:00:00Z' }) as ImportReport),
    confirm: vi.fn(() => true),
    save: vi.fn(),
    ...over,
  };
}

describe('ImportDialog', () => {
  let dialog: ImportDialog | undefined;
  afterEach(() => dialog?.remove());

  it('opens as a modal with focus inside and closes on Escape, returning focus', async () => {
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    dialog = new ImportDialog(document.body, new I18n(), await signedIn(), vi.fn(), deps());
    dialog.open();
    const box = dialog.el.querySelector('[role="dialog"]')!;
    expect(box.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(box.getAttribute('aria-labelledby')!)?.textContent).toBe('Import a survey');
    expect(box.contains(document.activeElement)).toBe(true);
    const esc = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    document.dispatchEvent(esc);
    expect(dialog.isOpen).toBe(false);
    expect(esc.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });

  it('uploads with the token, follows the import and shows the report', async () => {
    const onImported = vi.fn();
    const d = deps();
    dialog = new ImportDialog(document.body, new I18n(), await signedIn(), onImported, d);
    dialog.open();
    const file = new File(['id,name\n'], 'survey.csv');
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, file);
    await dialog.start();
    expect(d.upload).toHaveBeenCalledWith(file, expect.objectContaining({ token: 'tok', mapping: null }));
    expect(d.watch).toHaveBeenCalledWith('imp-1', expect.objectContaining({ token: 'tok' }));
    expect(dialog.el.querySelector('.import-status')?.textContent).toBe('Import finished');
    expect(dialog.el.querySelector('[data-count="created"] dd')?.textContent).toBe('2');
    expect(dialog.el.querySelector('[data-count="failed"] dd')?.textContent).toBe('1');
    expect(onImported).toHaveBeenCalledWith(finished);

    dialog.el.querySelector<HTMLAnchorElement>('a.import-failures')!.click();
    await vi.waitFor(() => expect(d.save).toHaveBeenCalled());
    expect(d.failures).toHaveBeenCalledWith('imp-1', 'tok');
    expect((d.save as any).mock.calls[0][1]).toBe('survey-failed-rows.csv');
  });

  it('lets an admin undo the import, after confirming', async () => {
    const onImported = vi.fn();
    const d = deps();
    dialog = new ImportDialog(document.body, new I18n(), await signedIn('admin'), onImported, d);
    dialog.open();
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, new File(['id,name\n'], 'survey.csv'));
    await dialog.start();
    dialog.el.querySelector<HTMLButtonElement>('button.import-undo')!.click();
    await vi.waitFor(() => expect(d.undo).toHaveBeenCalledWith('imp-1', 'tok'));
    expect((d.confirm as any).mock.calls[0][0]).toContain('survey.csv');
    await vi.waitFor(() => expect(dialog!.el.querySelector('.import-status')?.textContent).toBe('This import was undone.'));
    expect(dialog.el.querySelector('button.import-undo')).toBeNull();
    expect(onImported).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'undone' }));
  });

  it('offers no undo to editors, and none when the admin does not confirm', async () => {
    dialog = new ImportDialog(document.body, new I18n(), await signedIn('editor'), vi.fn(), deps());
    dialog.open();
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, new File(['id,name\n'], 'survey.csv'));
    await dialog.start();
    expect(dialog.el.querySelector('button.import-undo')).toBeNull();
    dialog.remove();

    const d = deps({ confirm: vi.fn(() => false) });
    dialog = new ImportDialog(document.body, new I18n(), await signedIn('admin'), vi.fn(), d);
    dialog.open();
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, new File(['id,name\n'], 'survey.csv'));
    await dialog.start();
    dialog.el.querySelector<HTMLButtonElement>('button.import-undo')!.click();
    expect(d.undo).not.toHaveBeenCalled();
  });

  it('shows why an undo was refused', async () => {
    const d = deps({ undo: vi.fn(async () => Promise.reject(new ApiError(409, 'conflict', 'enterprises edited since the import: R1'))) });
    dialog = new ImportDialog(document.body, new I18n(), await signedIn('admin'), vi.fn(), d);
    dialog.open();
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, new File(['id,name\n'], 'survey.csv'));
    await dialog.start();
    dialog.el.querySelector<HTMLButtonElement>('button.import-undo')!.click();
    await vi.waitFor(() => expect(dialog!.el.querySelector('.import-error')?.textContent).toContain('R1'));
    expect(dialog.el.querySelector('button.import-undo')).not.toBeNull();
  });

  it('shows bytes uploaded, then rows read', async () => {
    let release!: () => void;
    const d = deps({
      watch: vi.fn(async (_id, o) => {
        o.onUpdate?.({ ...finished, status: 'running', progress: { rows: 1500 } });
        await new Promise<void>((r) => (release = r));
        return finished;
      }),
      upload: vi.fn(async (_f, o) => {
        o.onProgress?.(512, 2048);
        expect(dialog!.el.querySelector('.import-progress-label')?.textContent).toBe('Uploading 512 B of 2 KB');
        expect(dialog!.el.querySelector('progress')!.value).toBe(0.25);
        return { ...finished, status: 'running' } as ImportReport;
      }),
    });
    dialog = new ImportDialog(document.body, new I18n(), await signedIn(), vi.fn(), d);
    dialog.open();
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, new File(['x'], 'a.csv'));
    const done = dialog.start();
    await vi.waitFor(() => expect(dialog!.el.querySelector('.import-progress-label')?.textContent).toBe('Importing… 1,500 rows read'));
    release();
    await done;
  });

  it('says when every row is stored and the map is being indexed', async () => {
    let release!: () => void;
    const d = deps({
      watch: vi.fn(async (_id, o) => {
        o.onUpdate?.({ ...finished, status: 'running', phase: 'indexing', progress: { rows: 3 } });
        await new Promise<void>((r) => (release = r));
        return finished;
      }),
    });
    dialog = new ImportDialog(document.body, new I18n(), await signedIn(), vi.fn(), d);
    dialog.open();
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, new File(['x'], 'a.csv'));
    const done = dialog.start();
    await vi.waitFor(() => expect(dialog!.el.querySelector('.import-progress-label')?.textContent).toContain('indexing the map'));
    release();
    await done;
  });

  it.each([
    [new ApiError(413, 'too_large', 'file exceeds 64 MB'), 'The file is too large: file exceeds 64 MB'],
    [new ApiError(400, 'invalid', 'no sector column'), 'The server refused the file: no sector column'],
  ])('shows the server’s message when the upload is refused (%s)', async (err, want) => {
    const onImported = vi.fn();
    dialog = new ImportDialog(document.body, new I18n(), await signedIn(), onImported, deps({ upload: vi.fn(async () => Promise.reject(err)) }));
    dialog.open();
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, new File(['x'], 'big.csv'));
    await dialog.start();
    const alert = dialog.el.querySelector('.import-error[role="alert"]');
    expect(alert?.textContent).toBe(want);
    expect(dialog.el.querySelector('#import-file')).not.toBeNull();
    expect(onImported).not.toHaveBeenCalled();
  });

  it('reports a failed import with its error', async () => {
    const failed = { ...finished, status: 'failed' as const, error: 'unreadable XLSX', created: 0, failed: 0 };
    dialog = new ImportDialog(document.body, new I18n(), await signedIn(), vi.fn(), deps({ watch: vi.fn(async () => failed) }));
    dialog.open();
    choose(dialog.el.querySelector<HTMLInputElement>('#import-file')!, new File(['x'], 'a.xlsx'));
    await dialog.start();
    const status = dialog.el.querySelector('.import-status')!;
    expect(status.textContent).toBe('Import failed: unreadable XLSX');
    expect(status.getAttribute('role')).toBe('alert');
  });

  it('asks for a file first', async () => {
    const d = deps();
    dialog = new ImportDialog(document.body, new I18n(), await signedIn(), vi.fn(), d);
    dialog.open();
    await dialog.start();
    expect(dialog.el.querySelector('.import-error')?.textContent).toBe('Choose a survey file first.');
    expect(d.upload).not.toHaveBeenCalled();
  });

  it('is labelled in Bangla after a switch', async () => {
    const i18n = new I18n();
    dialog = new ImportDialog(document.body, i18n, await signedIn(), vi.fn(), deps());
    dialog.open();
    i18n.setLang('bn');
    expect(dialog.el.querySelector('.import-title')?.textContent).toBe('জরিপ আমদানি করুন');
    expect(dialog.el.querySelector('.import-start')?.textContent).toBe('আপলোড ও আমদানি');
  });

  it('formats byte counts', () => {
    const i18n = new I18n();
    expect(formatBytes(999, i18n)).toBe('999 B');
    expect(formatBytes(2_400_000, i18n)).toBe('2.4 MB');
  });
});
