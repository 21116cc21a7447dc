// The banner that says the map shows synthetic demo data, not a survey. It
// sits in the page header, where every screenshot of a meeting carries it.

import type { I18n } from '../../core/i18n';

export class SyntheticBanner {
  readonly el: HTMLElement;
  private readonly unsubscribe: () => void;

  constructor(
    parent: HTMLElement,
    private readonly i18n: I18n,
  ) {
    this.el = document.createElement('div');
    this.el.className = 'synthetic-banner';
    this.el.setAttribute('role', 'status');
    this.el.hidden = true;
    parent.append(this.el);
    this.unsubscribe = i18n.onChange(() => this.render());
    this.render();
  }

  /** Shows the banner when the store holds synthetic records. */
  set(synthetic: boolean): void {
    this.el.hidden = !synthetic;
  }

  remove(): void {
    this.unsubscribe();
    this.el.remove();
  }

  private render(): void {
    this.el.textContent = this.i18n.t('synthetic.banner');
  }
}
