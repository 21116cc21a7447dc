// SlideController: which slide of a deck is shown, and what the keys of a
// keyboard or a presenter's clicker do. Pure: the presentation mode moves
// the map when it reports a new slide.

/** What a key does in presentation mode. */
export type SlideAction = 'next' | 'prev' | 'first' | 'last' | 'leave';

const KEYS: Record<string, SlideAction> = {
  ArrowRight: 'next',
  ArrowDown: 'next',
  PageDown: 'next', // a clicker's "next"
  ' ': 'next',
  Spacebar: 'next',
  ArrowLeft: 'prev',
  ArrowUp: 'prev',
  PageUp: 'prev', // a clicker's "previous"
  Backspace: 'prev',
  Home: 'first',
  End: 'last',
  Escape: 'leave',
};

/** The action of a KeyboardEvent.key, or null for keys presentation mode leaves alone (and for keys held with Ctrl, Alt or Meta). */
export function keyAction(key: string, mods: { ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean } = {}): SlideAction | null {
  if (mods.ctrlKey || mods.altKey || mods.metaKey) return null;
  return KEYS[key] ?? null;
}

/** SlideController keeps the index of the slide shown, within 0 … count-1. */
export class SlideController {
  private i = 0;

  constructor(readonly count: number, start = 0) {
    this.i = this.clamp(start);
  }

  get index(): number {
    return this.i;
  }

  get atFirst(): boolean {
    return this.i === 0;
  }

  get atLast(): boolean {
    return this.i >= this.count - 1;
  }

  /** Applies an action; returns the new index, or null when the slide did not change (at a bound, or leave). */
  apply(action: SlideAction): number | null {
    switch (action) {
      case 'next':
        return this.go(this.i + 1);
      case 'prev':
        return this.go(this.i - 1);
      case 'first':
        return this.go(0);
      case 'last':
        return this.go(this.count - 1);
      default:
        return null;
    }
  }

  /** Shows slide n (clamped to the deck); returns it, or null when it is shown already. */
  go(n: number): number | null {
    const next = this.clamp(n);
    if (next === this.i) return null;
    this.i = next;
    return next;
  }

  private clamp(n: number): number {
    return Math.max(0, Math.min(this.count - 1, Math.trunc(n) || 0));
  }
}
