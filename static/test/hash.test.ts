import { describe, expect, it } from 'vitest';
import { formatHash, isPCode, parseHash } from '../src/core/hash';

describe('parseHash', () => {
  it.each([
    ['full view', '#z=7.2&lon=90.35&lat=23.7&sel=BD3026', { zoom: 7.2, center: [90.35, 23.7], sel: 'BD3026' }],
    ['without the leading #', 'z=5&lon=90&lat=23', { zoom: 5, center: [90, 23] }],
    ['empty', '', {}],
    ['lower-case P-code', '#sel=bd20', { sel: 'BD20' }],
    ['bad numbers dropped', '#z=abc&lon=90&lat=', {}],
    ['out-of-range lat dropped', '#z=3&lon=90&lat=123', { zoom: 3 }],
    ['out-of-range zoom dropped', '#z=99', {}],
    ['malformed P-code dropped', '#sel=BD123', {}],
    ['unknown keys ignored', '#foo=1&z=8', { zoom: 8 }],
  ])('%s', (_name, hash, want) => {
    expect(parseHash(hash)).toEqual(want);
  });
});

describe('formatHash', () => {
  it('writes zoom, centre and selection in a stable order', () => {
    expect(formatHash({ sel: 'BD3026', center: [90.35, 23.7], zoom: 7.2 })).toBe('#z=7.2&lon=90.35&lat=23.7&sel=BD3026');
  });

  it('rounds to about a pixel at the zoom', () => {
    expect(formatHash({ zoom: 6.123456, center: [90.123456789, 23.987654321] })).toBe('#z=6.12&lon=90.123&lat=23.988');
    expect(formatHash({ zoom: 14, center: [90.123456789, 23.987654321] })).toBe('#z=14&lon=90.123457&lat=23.987654');
  });

  it('is empty for an empty state', () => {
    expect(formatHash({})).toBe('');
  });

  it('round-trips through parseHash', () => {
    const state = { zoom: 9.5, center: [91.82, 22.36] as [number, number], sel: 'BD2015' };
    expect(parseHash(formatHash(state))).toEqual(state);
  });
});

describe('isPCode', () => {
  it.each(['BD10', 'BD1004', 'BD100409', 'BD10040913'])('accepts %s', (p) => expect(isPCode(p)).toBe(true));
  it.each(['BD', 'BD1', 'BD100', 'XX10', 'BD1004091312', 'bd10'])('rejects %s', (p) => expect(isPCode(p)).toBe(false));
});
