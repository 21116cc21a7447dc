// The survey import dialog: choose a file (and optionally a column mapping),
// upload it with progress, follow the import until it ends and show its
// report. Modal: focus moves in on open and back on close, Tab stays inside,
// Escape closes. Closing does not stop a running import; reopening shows it.

import './import-dialog.css';
import { ApiError, fetchImportFailures, undoImport, uploadImport, type ImportReport } from '../../api';
import { errorText } from '../../core/errors';
import type { I18n } from '../../core/i18n';
import { failuresFilename, renderImportReport } from './import-report';
import { watchImport, type ImportFeed } from './import-watch';
import type { Session } from '../../core/session';
import { el } from '../../core/dom';

export interface ImportDeps {
  upload: typeof uploadImport;
  watch: typeof watchImport;
  failures: typeof fetchImportFailures;
  undo: typeof undoImport;
  /** Asks the user to confirm; window.confirm by default. */
  confirm?(message: string): boolean;
  /** Hands a downloaded file to the user. */
  save(blob: Blob, filename: string): void;
  /** The live websocket, which follows imports while it is connected. */
  live?: ImportFeed;
}

/** Saves a blob through a temporary object URL and link. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const defaultImportDeps: ImportDeps = { upload: uploadImport, watch: watchImport, failures: fetchImportFailures, undo: undoImport, save: saveBlob };

type State =
  | { kind: 'form'; error?: string }
  | { kind: 'uploading'; sent: number; total: number }
  | { kind: 'processing'; report?: ImportReport; undoing?: boolean }
  | { kind: 'done'; report: ImportReport; error?: string };

/** A byte count for people: 512 B, 2.4 MB. */
export function formatBytes(n: number, i18n: I18n): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i18n.formatNumber(n, i === 0 ? 0 : 1)} ${units[i]}`;
}

export class ImportDialog {
  readonly el: HTMLElement;
  private readonly dialog: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly body: HTMLElement;
  private readonly fileInput: HTMLInputElement;
  private readonly mappingInput: HTMLInputElement;
  private state: State = { kind: 'form' };
  private returnFocus: HTMLElement | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    parent: HTMLElement,
    private readonly i18n: I18n,
    private readonly session: Session,
    private readonly onImported: (report: ImportReport) => void,
    private readonly deps: ImportDeps = defaultImportDeps,
  ) {
    this.el = el('div', 'import-backdrop');
    this.el.hidden = true;
    this.el.addEventListener('mousedown', (e) => {
      if (e.target === this.el) this.close();
    });
    this.dialog = el('div', 'import-dialog');
    this.dialog.id = 'import-dialog';
    this.dialog.setAttribute('role', 'dialog');
    this.dialog.setAttribute('aria-modal', 'true');
    this.dialog.setAttribute('aria-labelledby', 'import-title');
    this.dialog.tabIndex = -1;
    this.dialog.addEventListener('keydown', this.handleKey);
    this.title = el('h2', 'import-title');
    this.title.id = 'import-title';
    this.closeButton = el('button', 'import-close', '×');
    this.closeButton.type = 'button';
    this.closeButton.addEventListener('click', () => this.close());
    this.body = el('div', 'import-body');
    this.body.setAttribute('aria-live', 'polite');
    // The inputs live across renders so a chosen file survives a language switch.
    this.fileInput = el('input', 'import-file');
    this.fileInput.type = 'file';
    this.fileInput.id = 'import-file';
    this.fileInput.accept = '.csv,.xlsx,.geojson,.json,text/csv,application/geo+json';
    this.mappingInput = el('input', 'import-mapping-file');
    this.mappingInput.type = 'file';
    this.mappingInput.id = 'import-mapping-file';
    this.mappingInput.accept = '.json,application/json';
    this.dialog.append(this.closeButton, this.title, this.body);
    this.el.append(this.dialog);
    parent.append(this.el);
    this.unsubscribe = i18n.onChange(() => this.render());
    this.render();
  }

  get isOpen(): boolean {
    return !this.el.hidden;
  }

  open(): void {
    if (this.isOpen) return;
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.el.hidden = false;
    this.render();
    this.focusables()[0]?.focus();
    // Capture: Escape closes this before anything behind it hears the key.
    document.addEventListener('keydown', this.handleEscape, true);
  }

  close(): void {
    if (!this.isOpen) return;
    this.el.hidden = true;
    document.removeEventListener('keydown', this.handleEscape, true);
    if (this.state.kind === 'done' || this.state.kind === 'form') this.state = { kind: 'form' };
    this.returnFocus?.focus();
  }

  remove(): void {
    this.close();
    this.unsubscribe();
    this.el.remove();
  }

  /** Uploads the chosen file and follows the import. */
  async start(): Promise<void> {
    const file = this.fileInput.files?.[0];
    const token = this.session.bearer;
    if (!file) return this.show({ kind: 'form', error: this.i18n.t('import.chooseFile') });
    if (!token) return this.show({ kind: 'form', error: this.i18n.t('import.needsEditor') });
    this.show({ kind: 'uploading', sent: 0, total: file.size });
    let accepted: ImportReport;
    try {
      accepted = await this.deps.upload(file, {
        token,
        mapping: this.mappingInput.files?.[0] ?? null,
        onProgress: (sent, total) => this.show({ kind: 'uploading', sent, total }),
      });
    } catch (err) {
      return this.show({ kind: 'form', error: this.uploadError(err) });
    }
    this.show({ kind: 'processing', report: accepted });
    let report: ImportReport;
    try {
      report = await this.deps.watch(accepted.id, {
        token,
        live: this.deps.live,
        onUpdate: (r) => {
          if (r.status === 'running') this.show({ kind: 'processing', report: r });
        },
      });
    } catch (err) {
      return this.show({ kind: 'done', report: accepted, error: this.i18n.t('import.lost', { message: errorText(this.i18n, err) }) });
    }
    this.fileInput.value = '';
    this.mappingInput.value = '';
    this.show({ kind: 'done', report });
    if (report.status === 'succeeded') this.onImported(report);
  }

  private uploadError(err: unknown): string {
    const t = this.i18n;
    const message = errorText(t, err);
    if (!(err instanceof ApiError)) return t.t('import.refused', { message });
    if (err.status === 413) return t.t('import.tooLarge', { message });
    if (err.status === 401 || err.status === 403) return t.t('import.needsEditor') + ' ' + message;
    return t.t('import.refused', { message });
  }

  private async downloadFailures(report: ImportReport): Promise<void> {
    const token = this.session.bearer;
    if (!token) return;
    try {
      this.deps.save(await this.deps.failures(report.id, token), failuresFilename(report));
    } catch (err) {
      this.show({ kind: 'done', report, error: this.i18n.t('import.lost', { message: errorText(this.i18n, err) }) });
    }
  }

  /** Undoes the import shown (admins), after the user confirms; the maps follow through the live events the undo writes. */
  private async undo(report: ImportReport): Promise<void> {
    const token = this.session.bearer;
    if (!token) return;
    const t = this.i18n;
    const ask = this.deps.confirm ?? ((m: string) => window.confirm(m));
    if (!ask(t.t('import.undoConfirm', { file: report.filename || report.id, created: t.formatNumber(report.created), updated: t.formatNumber(report.updated + report.unchanged) }))) return;
    this.show({ kind: 'processing', undoing: true });
    try {
      const undone = await this.deps.undo(report.id, token);
      this.show({ kind: 'done', report: undone });
      this.onImported(undone);
    } catch (err) {
      this.show({ kind: 'done', report, error: t.t('import.undoFailed', { message: errorText(t, err) }) });
    }
  }

  private show(state: State): void {
    this.state = state;
    this.render();
  }

  private handleEscape = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || !this.isOpen) return;
    e.preventDefault();
    e.stopPropagation();
    this.close();
  };

  /** Keeps Tab inside the dialog. */
  private handleKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Tab') return;
    const items = this.focusables();
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  private focusables(): HTMLElement[] {
    const sel = 'button:not([disabled]), input:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';
    return [...this.dialog.querySelectorAll<HTMLElement>(sel)].filter((e) => !e.closest('[hidden]'));
  }

  private render(): void {
    const t = this.i18n;
    const s = this.state;
    this.title.textContent = t.t('import.title');
    this.closeButton.setAttribute('aria-label', t.t('import.close'));
    this.closeButton.title = t.t('import.close');
    const parts: Node[] = [];
    switch (s.kind) {
      case 'form':
        parts.push(this.formView(s.error));
        break;
      case 'uploading': {
        const label = t.t('import.uploading', { sent: formatBytes(s.sent, t), total: formatBytes(s.total, t) });
        parts.push(this.progress(label, s.total ? s.sent / s.total : undefined));
        break;
      }
      case 'processing': {
        const rows = s.report?.progress?.rows ?? s.report?.rows_read;
        const indexing = s.report?.status === 'running' && s.report.phase === 'indexing';
        parts.push(this.progress(s.undoing ? t.t('import.undoing') : indexing ? t.t('import.indexing') : rows ? t.t('import.processing', { rows }) : t.t('import.waiting')));
        break;
      }
      case 'done': {
        const r = s.report;
        const ok = r.status === 'succeeded' || r.status === 'undone';
        const head = el('p', 'import-status ' + (ok ? 'ok' : 'error'));
        head.setAttribute('role', ok ? 'status' : 'alert');
        // The server's reason is English: Bangla says only that it failed.
        head.textContent = r.status === 'undone' ? t.t('import.undone') : ok ? t.t('import.succeeded') : t.lang === 'en' ? t.t('import.failedStatus', { message: r.error || r.status }) : t.t('import.failedPlain');
        parts.push(head, el('p', 'import-filename', r.filename));
        if (s.error) parts.push(this.errorLine(s.error));
        const admin = this.session.me?.role === 'admin';
        if (r.status !== 'running')
          parts.push(
            renderImportReport(r, t, {
              onDownloadFailures: (rep) => void this.downloadFailures(rep),
              ...(admin ? { onUndo: (rep: ImportReport) => void this.undo(rep) } : {}),
            }),
          );
        const again = el('button', 'import-again', t.t('import.another'));
        again.type = 'button';
        again.addEventListener('click', () => {
          this.show({ kind: 'form' });
          this.fileInput.focus();
        });
        parts.push(again);
      }
    }
    this.body.replaceChildren(...parts);
    // A re-render may remove the focused control; keep focus in the dialog.
    if (this.isOpen && !this.dialog.contains(document.activeElement)) this.dialog.focus();
  }

  private formView(error?: string): HTMLElement {
    const t = this.i18n;
    const form = el('form', 'import-form');
    form.noValidate = true;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.start();
    });
    const fileLabel = el('label', 'import-label', t.t('import.file'));
    fileLabel.htmlFor = this.fileInput.id;
    const mappingLabel = el('label', 'import-label', t.t('import.mapping'));
    mappingLabel.htmlFor = this.mappingInput.id;
    form.append(fileLabel, this.fileInput, mappingLabel, this.mappingInput);
    if (!this.session.bearer) form.append(this.errorLine(t.t('import.needsEditor')));
    if (error) form.append(this.errorLine(error));
    const submit = el('button', 'import-start', t.t('import.start'));
    submit.type = 'submit';
    form.append(submit);
    return form;
  }

  private errorLine(message: string): HTMLElement {
    const p = el('p', 'import-error', message);
    p.setAttribute('role', 'alert');
    return p;
  }

  /** A progress bar: determinate with a fraction, else indeterminate. */
  private progress(label: string, fraction?: number): HTMLElement {
    const box = el('div', 'import-progress');
    const bar = el('progress', 'import-progress-bar');
    bar.max = 1;
    if (fraction !== undefined) bar.value = fraction;
    bar.setAttribute('aria-label', label);
    box.append(bar, el('p', 'import-progress-label', label));
    return box;
  }
}
