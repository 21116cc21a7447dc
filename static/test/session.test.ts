import { describe, expect, it, vi } from 'vitest';
import { ApiError, type Me } from '../src/api';
import { canImport, Session } from '../src/core/session';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

const editor: Me = { role: 'editor', name: 'Nasrin' };

describe('Session', () => {
  it('keeps a token the server accepts, in storage', async () => {
    const storage = memoryStorage();
    const check = vi.fn(async () => editor);
    const s = new Session(storage, check);
    const changed = vi.fn();
    s.onChange(changed);
    expect(s.me).toBeNull();
    await s.signIn('  tok-123 \n');
    expect(check).toHaveBeenCalledWith('tok-123');
    expect(s.me).toEqual(editor);
    expect(s.bearer).toBe('tok-123');
    expect(storage.data.get('guccho.token')).toBe('tok-123');
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('keeps nothing when the server refuses the token', async () => {
    const storage = memoryStorage();
    const s = new Session(storage, async () => {
      throw new ApiError(401, 'unauthorized', 'invalid token');
    });
    await expect(s.signIn('bad')).rejects.toMatchObject({ status: 401 });
    expect(s.me).toBeNull();
    expect(s.bearer).toBeNull();
    expect(storage.data.has('guccho.token')).toBe(false);
  });

  it('refuses an empty token without asking the server', async () => {
    const check = vi.fn(async () => editor);
    await expect(new Session(memoryStorage(), check).signIn('   ')).rejects.toBeInstanceOf(ApiError);
    expect(check).not.toHaveBeenCalled();
  });

  it('restores a saved token, and forgets one the server no longer accepts', async () => {
    const good = new Session(memoryStorage({ 'guccho.token': 'tok' }), async () => editor);
    await good.restore();
    expect(good.me).toEqual(editor);

    const storage = memoryStorage({ 'guccho.token': 'revoked' });
    const revoked = new Session(storage, async () => {
      throw new ApiError(401, 'unauthorized', 'invalid token');
    });
    await revoked.restore();
    expect(revoked.me).toBeNull();
    expect(storage.data.has('guccho.token')).toBe(false);
  });

  it('keeps a saved token through a network failure, signed out for now', async () => {
    const storage = memoryStorage({ 'guccho.token': 'tok' });
    const s = new Session(storage, async () => {
      throw new ApiError(0, 'network', 'offline');
    });
    await s.restore();
    expect(s.me).toBeNull();
    expect(s.bearer).toBeNull();
    expect(storage.data.get('guccho.token')).toBe('tok');
  });

  it('signs out: forgets token and account', async () => {
    const storage = memoryStorage();
    const s = new Session(storage, async () => editor);
    await s.signIn('tok');
    const changed = vi.fn();
    s.onChange(changed);
    s.signOut();
    expect(s.me).toBeNull();
    expect(storage.data.has('guccho.token')).toBe(false);
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('never puts the token in the URL', async () => {
    const s = new Session(memoryStorage(), async () => editor);
    await s.signIn('secret-token');
    expect(location.href).not.toContain('secret-token');
  });

  it('lets editors and administrators import', () => {
    expect(canImport(editor)).toBe(true);
    expect(canImport({ role: 'admin', name: 'a' })).toBe(true);
    expect(canImport({ role: 'viewer', name: 'v' })).toBe(false);
    expect(canImport(null)).toBe(false);
  });
});
