// Plant ids and the keys each plant keeps its items under in the tables all plants share.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANT, isPlantId, plantOfKey, plantScopedKey } from '../../contracts/plants.ts';

const plantIds = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

describe('plant keys', () => {
  it("leave the default plant's keys as they are, and scope another plant's", () => {
    expect(plantScopedKey(DEFAULT_PLANT, 'order-1')).toBe('order-1');
    expect(plantScopedKey('north', 'order-1')).toBe('@north/order-1');
    expect(plantOfKey('order-1')).toEqual({ plantId: DEFAULT_PLANT, key: 'order-1' });
    expect(plantOfKey('@north/#plant#station#saw')).toEqual({ plantId: 'north', key: '#plant#station#saw' });
  });

  it('give back the plant and the key of every scoped key, and never the same key for two plants', () => {
    fc.assert(
      fc.property(plantIds, plantIds, fc.string({ minLength: 1 }), (a, b, key) => {
        fc.pre(!key.startsWith('@'));
        expect(plantOfKey(plantScopedKey(a, key))).toEqual({ plantId: a, key });
        if (a !== b) expect(plantScopedKey(a, key)).not.toBe(plantScopedKey(b, key));
      }),
    );
  });

  it('take plant ids of letters, digits, ".", "_" and "-", up to 64, starting with a letter or digit', () => {
    expect(['default', 'north', 'plant-7', 'a.b_c', 'x'.repeat(64)].every(isPlantId)).toBe(true);
    expect(['', '-north', 'a/b', 'a#b', 'a b', 'x'.repeat(65), 'é'].some(isPlantId)).toBe(false);
  });
});
