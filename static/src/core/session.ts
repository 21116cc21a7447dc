// Session: the API token a user pasted and the account it belongs to. The
// token lives in localStorage (never in the URL); reading the map needs
// none, writes (imports) send it as a bearer token.

import { ApiError, fetchMe, type Me } from '../api';

const STORAGE_KEY = 'guccho.token';

type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Whether an account may import surveys. */
export function canImport(me: Me | null): boolean {
  return me?.role === 'editor' || me?.role === 'admin';
}

/** Whether an account may add, edit, move and delete enterprises (the same roles). */
export const canEdit = canImport;

export class Session {
  private token: string | null = null;
  private account: Me | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage?: TokenStorage,
    private readonly check: (token: string) => Promise<Me> = (token) => fetchMe(token),
  ) {
    try {
      this.token = storage?.getItem(STORAGE_KEY)?.trim() || null;
    } catch {
      // storage blocked: a session lasts for this page only
    }
  }

  /** The token of a signed-in user, or null. */
  get bearer(): string | null {
    return this.account ? this.token : null;
  }

  /** The signed-in account, or null. */
  get me(): Me | null {
    return this.account;
  }

  /**
   * Checks a saved token with the server. A token the server refuses (401)
   * is forgotten; when the server cannot be reached the token is kept for
   * the next visit and the user stays signed out.
   */
  async restore(): Promise<void> {
    if (!this.token) return;
    try {
      this.account = await this.check(this.token);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.forget();
      return;
    }
    this.notify();
  }

  /** Checks token and, if the server accepts it, keeps it. Throws ApiError otherwise. */
  async signIn(token: string): Promise<Me> {
    const t = token.trim();
    if (!t) throw new ApiError(401, 'unauthorized', 'empty token');
    const me = await this.check(t);
    this.token = t;
    this.account = me;
    try {
      this.storage?.setItem(STORAGE_KEY, t);
    } catch {
      // kept for this page only
    }
    this.notify();
    return me;
  }

  signOut(): void {
    const was = this.account !== null;
    this.forget();
    if (was) this.notify();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private forget(): void {
    this.token = null;
    this.account = null;
    try {
      this.storage?.removeItem(STORAGE_KEY);
    } catch {
      // nothing stored
    }
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}
