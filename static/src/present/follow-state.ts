// FollowState: a follower's page follows the presenter until the follower
// moves the map themself; then following pauses, the presenter's newer
// positions are kept, and Rejoin brings the follower back to the latest
// one. Pure: the follow page moves the map with what it returns.

import type { Position } from './relay';

/** waiting: no position yet; following: shows each position; paused: the follower looks around. */
export type FollowMode = 'waiting' | 'following' | 'paused';

export class FollowState {
  private current: FollowMode = 'waiting';
  private last: Position | null = null;

  get mode(): FollowMode {
    return this.current;
  }

  /** The presenter's latest position, or null before the first. */
  get latest(): Position | null {
    return this.last;
  }

  /** Whether the Rejoin button is offered: paused, with a position to go back to. */
  get canRejoin(): boolean {
    return this.current === 'paused' && this.last !== null;
  }

  /** A position from the presenter: returns it when the page should show it now, null while paused (it is kept for Rejoin). */
  receive(p: Position): Position | null {
    this.last = p;
    if (this.current === 'paused') return null;
    this.current = 'following';
    return p;
  }

  /** The follower panned, zoomed or clicked: following pauses. Returns whether that changed the mode. */
  userMoved(): boolean {
    if (this.current === 'paused') return false;
    this.current = 'paused';
    return true;
  }

  /** Rejoin: follows again and returns the latest position to show (null when none came yet). */
  rejoin(): Position | null {
    this.current = this.last ? 'following' : 'waiting';
    return this.last;
  }
}
