// The page's sha-256 (node:crypto's createHash in the browser bundle) gives node:crypto's digests.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash as pageHash } from '../../dashboard/page/sha256.ts';

describe("the page's sha-256", () => {
  it('digests any text as node:crypto does, across block boundaries and in any script', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 120 })),
        (text) => {
          expect(pageHash('sha256').update(text).digest('hex')).toBe(
            createHash('sha256').update(text).digest('hex'),
          );
        },
      ),
    );
    expect(pageHash('sha256').update('abc').digest('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
