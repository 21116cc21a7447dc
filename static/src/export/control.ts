// ExportControl: the "Export" button among the map's top-right controls and
// its small dialog — format (PNG, PDF, PowerPoint), the PNG's size (as on
// screen, A4 or A3 at 150 or 300 dpi, or custom pixels) and a title instead
// of the view's. The export code itself (and its libraries) loads on the
// first export.

import type { IControl } from 'maplibre-gl';
import type { App } from '../app';
import type { MessageKey } from '../core/i18n';
import { LIMIT, PAPER_PRESETS } from './sizes';
import './strings';
import './export.css';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The label of a paper preset: "A4 landscape, 150 dpi (1754 × 1240 px)". */
function presetLabel(id: string, lang: 'en' | 'bn'): string {
  const p = PAPER_PRESETS.find((x) => x.id === id)!;
  const paper = p.paper.toUpperCase();
  if (lang === 'bn') return `${paper.replace('A', 'এ')} ${p.orientation === 'landscape' ? 'আড়াআড়ি' : 'খাড়া'}, ${p.dpi} ডিপিআই`;
  return `${paper} ${p.orientation}, ${p.dpi} dpi`;
}

export class ExportControl implements IControl {
  private container?: HTMLElement;
  private dialog?: HTMLElement;
  private unsubscribe?: () => void;
  private busy = false;

  constructor(private readonly app: App) {}

  onAdd(): HTMLElement {
    const container = el('div', 'maplibregl-ctrl maplibregl-ctrl-group guccho-export');
    const button = el('button', 'guccho-export-button');
    button.type = 'button';
    button.setAttribute('aria-haspopup', 'dialog');
    button.addEventListener('click', this.toggle);
    container.append(button);
    this.container = container;
    this.unsubscribe = this.app.i18n.onChange(() => this.render());
    this.render();
    return container;
  }

  onRemove(): void {
    this.close();
    this.unsubscribe?.();
    this.container?.remove();
    this.container = undefined;
  }

  private render(): void {
    const b = this.container?.querySelector('button');
    if (b) b.textContent = this.app.i18n.t('export.button');
    if (this.dialog) {
      this.close();
      this.open();
    }
  }

  private toggle = (): void => {
    if (this.dialog) this.close();
    else this.open();
  };

  private close(): void {
    this.dialog?.remove();
    this.dialog = undefined;
    this.container?.querySelector('button')?.setAttribute('aria-expanded', 'false');
  }

  private open(): void {
    const t = (k: MessageKey, vars?: Record<string, string | number>) => this.app.i18n.t(k, vars);
    const lang = this.app.i18n.lang;
    const form = el('form', 'guccho-export-dialog');
    form.setAttribute('role', 'dialog');
    form.setAttribute('aria-label', t('export.title'));
    form.append(el('h2', undefined, t('export.title')));

    const field = (label: string, input: HTMLElement) => {
      const l = el('label', 'guccho-export-field');
      l.append(el('span', undefined, label), input);
      form.append(l);
      return l;
    };
    const format = el('select');
    format.name = 'format';
    for (const f of ['png', 'pdf', 'pptx'] as const) {
      const o = el('option', undefined, t(`export.format.${f}`));
      o.value = f;
      format.append(o);
    }
    field(t('export.format'), format);

    const size = el('select');
    size.name = 'size';
    const opt = (value: string, label: string) => {
      const o = el('option', undefined, label);
      o.value = value;
      size.append(o);
    };
    opt('screen', t('export.size.screen'));
    for (const p of PAPER_PRESETS) opt(p.id, presetLabel(p.id, lang));
    opt('custom', t('export.size.custom'));
    const sizeField = field(t('export.size'), size);

    const number = (name: string, value: number) => {
      const i = el('input');
      i.type = 'number';
      i.name = name;
      i.min = '100';
      i.step = '1';
      i.value = String(value);
      return i;
    };
    const width = number('width', LIMIT.width);
    const height = number('height', LIMIT.height);
    const widthField = field(t('export.width'), width);
    const heightField = field(t('export.height'), height);

    const title = el('input');
    title.name = 'title';
    title.placeholder = t('export.titlePlaceholder');
    field(t('export.titleOverride'), title);

    const status = el('p', 'guccho-export-status');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    const go = el('button', 'guccho-export-go', t('export.go'));
    go.type = 'submit';
    const cancel = el('button', undefined, t('export.cancel'));
    cancel.type = 'button';
    cancel.addEventListener('click', () => this.close());
    const actions = el('div', 'guccho-export-actions');
    actions.append(go, cancel);
    form.append(status, actions);

    const sync = () => {
      sizeField.hidden = format.value !== 'png';
      widthField.hidden = heightField.hidden = format.value !== 'png' || size.value !== 'custom';
    };
    format.addEventListener('change', sync);
    size.addEventListener('change', sync);
    sync();

    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (this.busy) return;
      this.busy = true;
      go.disabled = true;
      status.className = 'guccho-export-status';
      status.textContent = t('export.working');
      void (async () => {
        try {
          const { exportView, SizeError } = await import('./index');
          try {
            await exportView(this.app, {
              format: format.value as 'png' | 'pdf' | 'pptx',
              size: size.value === 'custom' ? { width: Number(width.value), height: Number(height.value) } : size.value,
              title: title.value,
            });
            status.textContent = '';
            this.close();
          } catch (err) {
            status.className = 'guccho-export-status guccho-export-error';
            if (err instanceof SizeError) {
              const param = err.param === 'width' ? t('export.width') : err.param === 'height' ? t('export.height') : '';
              status.textContent = t(err.key, { ...err.vars, param });
            } else {
              status.textContent = t('export.failed', { message: err instanceof Error ? err.message : String(err) });
            }
          }
        } finally {
          this.busy = false;
          go.disabled = false;
        }
      })();
    });

    this.container!.append(form);
    this.container!.querySelector('button')?.setAttribute('aria-expanded', 'true');
    this.dialog = form;
    format.focus();
  }
}
