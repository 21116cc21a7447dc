// A small HTML tooltip that follows the pointer over the map and names the
// unit under it (in HTML, since the map draws no text).

export class Tooltip {
  readonly el: HTMLDivElement;

  constructor(container: HTMLElement) {
    this.el = document.createElement('div');
    this.el.className = 'map-tooltip';
    this.el.setAttribute('role', 'tooltip');
    this.el.hidden = true;
    container.append(this.el);
  }

  /** Shows lines (first one bold) near the container point (x, y). */
  show(x: number, y: number, title: string, ...lines: string[]): void {
    const strong = document.createElement('strong');
    strong.textContent = title;
    this.el.replaceChildren(strong);
    for (const line of lines.filter(Boolean)) {
      const div = document.createElement('div');
      div.textContent = line;
      this.el.append(div);
    }
    this.el.hidden = false;
    // Keep the box inside the container: flip left/up near the edges.
    const parent = this.el.parentElement!;
    const flipX = x + 16 + this.el.offsetWidth > parent.clientWidth;
    const flipY = y + 16 + this.el.offsetHeight > parent.clientHeight;
    const left = flipX ? x - 12 - this.el.offsetWidth : x + 14;
    const top = flipY ? y - 12 - this.el.offsetHeight : y + 14;
    this.el.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }

  hide(): void {
    this.el.hidden = true;
  }

  remove(): void {
    this.el.remove();
  }
}
