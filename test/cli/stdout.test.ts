// The command line's standard output written straight to its descriptor (cli/stdout.ts): in full,
// whatever each write takes; what a descriptor that does not block refuses is handed back for a
// stream to write; a reader gone ends the process quietly.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFully } from '../../cli/stdout.ts';

const errno = (code: string) => Object.assign(new Error(code), { code });

/** A descriptor that takes at most `take` bytes a write, then throws the errors given, one a write. */
function descriptor(take: number, ...errors: Error[]) {
  const written: number[] = [];
  const write = (_fd: number, buffer: Uint8Array, offset: number) => {
    const error = errors.shift();
    if (error !== undefined) throw error;
    const part = buffer.subarray(offset, offset + take);
    written.push(...part);
    return part.length;
  };
  return { write, text: () => Buffer.from(written).toString() };
}

afterEach(() => vi.restoreAllMocks());

describe('writeFully', () => {
  it('writes all of the text, as many writes as the descriptor needs, characters beyond ASCII included', () => {
    const out = descriptor(3);

    const rest = writeFully(1, 'material 10 min → production', out.write);

    expect(rest).toBeUndefined();
    expect(out.text()).toBe('material 10 min → production');
  });

  it('hands back what a descriptor that does not block refused (EAGAIN), from the first byte not written', () => {
    const out = descriptor(4);
    let calls = 0;
    const write = (fd: number, buffer: Uint8Array, offset: number) => {
      if (++calls === 3) throw errno('EAGAIN');
      return out.write(fd, buffer, offset);
    };

    const rest = writeFully(1, 'abcdefghijkl', write);

    expect(out.text()).toBe('abcdefgh');
    expect(rest?.toString()).toBe('ijkl');
  });

  it('ends the process quietly, with its exit code, when the reader has gone (EPIPE)', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('exited');
    }) as never);
    const out = descriptor(100, errno('EPIPE'));

    expect(() => writeFully(1, 'anything', out.write)).toThrow('exited');
    expect(exit).toHaveBeenCalledWith(process.exitCode ?? 0);
  });

  it('throws any other error of the descriptor', () => {
    const out = descriptor(100, errno('EBADF'));

    expect(() => writeFully(1, 'anything', out.write)).toThrow('EBADF');
  });
});
