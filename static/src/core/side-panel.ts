// PanelFrame: what every side panel shares — an <aside> with a close button
// (×) and a body, hidden while closed, closed by Escape while open, its
// button labelled in the interface language.

import { el } from './dom';
import type { I18n, MessageKey } from './i18n';

export interface PanelFrameOptions {
  i18n: I18n;
  /** The message naming the close button. */
  closeLabel: MessageKey;
  /** Whether the panel shows something (Escape only acts then). */
  isOpen(): boolean;
  /** The user asked to close the panel (× or Escape). */
  onClose(): void;
  /** The language changed: the panel renders itself again. */
  onLanguage(): void;
}

export class PanelFrame {
  readonly el: HTMLElement;
  readonly body: HTMLDivElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly unsubscribe: () => void;

  /** cls names the aside; its button and body get cls-close and cls-body. */
  constructor(
    parent: HTMLElement,
    cls: string,
    private readonly opts: PanelFrameOptions,
  ) {
    this.el = el('aside', cls);
    this.el.setAttribute('aria-live', 'polite');
    this.el.hidden = true;
    this.closeButton = el('button', `${cls}-close`, '×');
    this.closeButton.type = 'button';
    this.closeButton.addEventListener('click', () => opts.onClose());
    this.body = el('div', `${cls}-body`);
    this.el.append(this.closeButton, this.body);
    parent.append(this.el);
    document.addEventListener('keydown', this.handleKey);
    this.unsubscribe = opts.i18n.onChange(() => opts.onLanguage());
    this.label();
  }

  /** Shows or hides the panel and labels its button in the current language. */
  show(open: boolean): void {
    this.label();
    this.el.hidden = !open;
  }

  remove(): void {
    document.removeEventListener('keydown', this.handleKey);
    this.unsubscribe();
    this.el.remove();
  }

  private label(): void {
    const text = this.opts.i18n.t(this.opts.closeLabel);
    this.closeButton.setAttribute('aria-label', text);
    this.closeButton.title = text;
  }

  private handleKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.opts.isOpen() && !e.defaultPrevented) {
      e.preventDefault();
      this.opts.onClose();
    }
  };
}
