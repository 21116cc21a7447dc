import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { ApiError, type Me } from '../src/api';
import { AccountControl } from '../src/controls/account-control';
import { I18n } from '../src/core/i18n';
import { Session } from '../src/core/session';

function setup(check: (token: string) => Promise<Me>) {
  const i18n = new I18n();
  const session = new Session(undefined, check);
  const onImport = vi.fn();
  const control = new AccountControl(i18n, session, onImport);
  const el = control.onAdd({} as MapLibreMap);
  document.body.append(el);
  return { i18n, session, onImport, control, el };
}

const q = <T extends HTMLElement>(el: HTMLElement, sel: string) => el.querySelector<T>(sel)!;

async function submit(el: HTMLElement, token: string) {
  q<HTMLButtonElement>(el, '.guccho-account-signin').click();
  q<HTMLInputElement>(el, '#guccho-token').value = token;
  q<HTMLFormElement>(el, 'form').dispatchEvent(new Event('submit', { cancelable: true }));
}

describe('AccountControl', () => {
  let control: AccountControl | undefined;
  afterEach(() => control?.onRemove());

  it('signs in with a pasted token and shows name, role, import and sign-out', async () => {
    const s = setup(async () => ({ role: 'editor', name: 'Nasrin' }));
    control = s.control;
    expect(q(s.el, '.guccho-account-signin').textContent).toBe('Sign in');
    expect(q(s.el, '.guccho-account-import').hidden).toBe(true);
    q<HTMLButtonElement>(s.el, '.guccho-account-signin').click();
    expect(q(s.el, 'form').hidden).toBe(false);
    expect(document.activeElement).toBe(q(s.el, '#guccho-token'));
    expect(q<HTMLInputElement>(s.el, '#guccho-token').type).toBe('password');
    q<HTMLInputElement>(s.el, '#guccho-token').value = 'tok';
    q<HTMLFormElement>(s.el, 'form').dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(s.session.me).not.toBeNull());
    expect(q(s.el, '.guccho-account-who').textContent).toBe('Nasrin · Editor');
    expect(q(s.el, '.guccho-account-import').hidden).toBe(false);
    expect(q(s.el, 'form').hidden).toBe(true);
    q<HTMLButtonElement>(s.el, '.guccho-account-import').click();
    expect(s.onImport).toHaveBeenCalled();
    q<HTMLButtonElement>(s.el, '.guccho-account-signout').click();
    expect(s.session.me).toBeNull();
    expect(q(s.el, '.guccho-account-signin').hidden).toBe(false);
  });

  it('shows the actions the view sets, and none once it clears them', async () => {
    const s = setup(async () => ({ role: 'editor', name: 'Nasrin' }));
    control = s.control;
    await submit(s.el, 'tok');
    await vi.waitFor(() => expect(s.session.me).not.toBeNull());
    s.control.setActions({});
    expect(q(s.el, '.guccho-account-import').hidden).toBe(true);
    expect(q(s.el, '.guccho-account-add').hidden).toBe(true);
    const onAddEnterprise = vi.fn();
    const onImport = vi.fn();
    s.control.setActions({ onImport, onAddEnterprise });
    q<HTMLButtonElement>(s.el, '.guccho-account-add').click();
    q<HTMLButtonElement>(s.el, '.guccho-account-import').click();
    expect([onAddEnterprise.mock.calls.length, onImport.mock.calls.length, s.onImport.mock.calls.length]).toEqual([1, 1, 0]);
  });

  it('in Bangla, says why sign-in failed without the server’s English', async () => {
    const s = setup(async () => {
      throw new ApiError(503, 'unavailable', 'database down');
    });
    control = s.control;
    s.i18n.setLang('bn');
    await submit(s.el, 'tok');
    await vi.waitFor(() => expect(q(s.el, '.guccho-signin-status').textContent).toBe('সাইন ইন করা যায়নি: সার্ভার এখন উত্তর দিতে পারছে না; পরে আবার চেষ্টা করুন।'));
  });

  it('says when a token is not valid and keeps the form open', async () => {
    const s = setup(async () => {
      throw new ApiError(401, 'unauthorized', 'invalid token');
    });
    control = s.control;
    await submit(s.el, 'nope');
    await vi.waitFor(() => expect(q(s.el, '.guccho-signin-status').textContent).toBe('This token is not valid.'));
    expect(q(s.el, 'form').hidden).toBe(false);
    expect(q(s.el, '#guccho-token').getAttribute('aria-invalid')).toBe('true');
  });

  it('closes the form with Escape, focus back on the button', () => {
    const s = setup(async () => ({ role: 'editor', name: 'N' }));
    control = s.control;
    q<HTMLButtonElement>(s.el, '.guccho-account-signin').click();
    q(s.el, '#guccho-token').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(q(s.el, 'form').hidden).toBe(true);
    expect(document.activeElement).toBe(q(s.el, '.guccho-account-signin'));
  });

  it('names the administrator role in Bangla', async () => {
    const s = setup(async () => ({ role: 'admin', name: 'admin' }));
    control = s.control;
    await s.session.signIn('tok');
    s.i18n.setLang('bn');
    expect(q(s.el, '.guccho-account-who').textContent).toBe('admin · প্রশাসক');
    expect(q(s.el, '.guccho-account-import').textContent).toBe('জরিপ আমদানি');
  });

  it('offers Add enterprise to editors only', async () => {
    const i18n = new I18n();
    const session = new Session(undefined, async (t) => ({ role: t === 'edit' ? 'editor' : 'viewer', name: 'N' }));
    const onAdd = vi.fn();
    control = new AccountControl(i18n, session, vi.fn(), onAdd);
    const el = control.onAdd({} as MapLibreMap);
    expect(q(el, '.guccho-account-add').hidden).toBe(true);
    await session.signIn('view');
    expect(q(el, '.guccho-account-add').hidden).toBe(true);
    await session.signIn('edit');
    expect(q(el, '.guccho-account-add').hidden).toBe(false);
    expect(q(el, '.guccho-account-add').textContent).toBe('Add enterprise');
    q<HTMLButtonElement>(el, '.guccho-account-add').click();
    expect(onAdd).toHaveBeenCalled();
  });

  it('removes its element on remove', () => {
    const s = setup(async () => ({ role: 'editor', name: 'N' }));
    s.control.onRemove();
    expect(document.querySelector('.guccho-account')).toBeNull();
    control = undefined;
  });
});
