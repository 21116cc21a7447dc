import { describe, expect, it } from 'vitest';
import { featureId, finestLevelAt, levelOfPCode } from '../src/views/explore/admin-layers';

describe('featureId', () => {
  it.each([
    ['BD10', 100000010],
    ['BD3026', 200003026],
    ['BD10040913', 410040913],
  ])('%s → %d', (pcode, id) => {
    expect(featureId(pcode)).toBe(id);
  });
});

describe('levelOfPCode', () => {
  it.each([
    ['BD20', 1],
    ['BD2015', 2],
    ['BD201533', 3],
    ['BD20153357', 4],
  ])('%s is level %d', (pcode, level) => {
    expect(levelOfPCode(pcode)).toBe(level);
  });
});

describe('finestLevelAt', () => {
  it.each([
    [3, 'divisions'],
    [5.49, 'divisions'],
    [5.5, 'districts'],
    [8, 'upazilas'],
    [12, 'unions'],
  ])('zoom %d draws %s last', (z, id) => {
    expect(finestLevelAt(z).id).toBe(id);
  });
});
