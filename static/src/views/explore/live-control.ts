// LiveControl: a small indicator of the live-update connection — a dot and
// "Live" / "Reconnecting…" / "Offline" in the interface language. It is a
// status region (aria-live polite), so screen readers hear when the map
// stops or starts following changes.

import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import type { I18n } from '../../core/i18n';
import type { LiveClient, LiveStatus } from '../../live';

const KEYS = {
  connecting: 'live.connecting',
  connected: 'live.connected',
  reconnecting: 'live.reconnecting',
  offline: 'live.offline',
} as const;

export class LiveControl implements IControl {
  private container?: HTMLElement;
  private label?: HTMLElement;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly i18n: I18n,
    private readonly live: Pick<LiveClient, 'status' | 'on'>,
  ) {}

  onAdd(_map?: MapLibreMap): HTMLElement {
    const container = document.createElement('div');
    container.className = 'maplibregl-ctrl guccho-live';
    container.setAttribute('role', 'status');
    container.setAttribute('aria-live', 'polite');
    const dot = document.createElement('span');
    dot.className = 'guccho-live-dot';
    dot.setAttribute('aria-hidden', 'true');
    this.label = document.createElement('span');
    this.label.className = 'guccho-live-label';
    container.append(dot, this.label);
    this.container = container;
    this.unsubscribe.push(
      this.i18n.onChange(() => this.render()),
      this.live.on('status', () => this.render()),
    );
    this.render();
    return container;
  }

  onRemove(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.container?.remove();
    this.container = this.label = undefined;
  }

  private render(): void {
    if (!this.container || !this.label) return;
    const status: LiveStatus = this.live.status;
    this.container.dataset.status = status;
    this.label.textContent = this.i18n.t(KEYS[status]);
    this.container.title = this.i18n.t(status === 'connected' ? 'live.connectedHelp' : 'live.disconnectedHelp');
  }
}
