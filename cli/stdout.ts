// The command line's standard output, written straight to its file descriptor: `process.stdout` is a
// Node.js stream, and the first use of it loads Node.js's stream modules, some 5 ms of a command that
// prints one table. Writes block until done, as `process.stdout`'s do on Linux for files and pipes.
import { fstatSync, writeSync } from 'node:fs';

type WriteSync = (fd: number, buffer: Uint8Array, offset: number) => number;

/**
 * Writes `text` to `fd` in full, with `write` (fs.writeSync): what it could not write because the
 * descriptor does not block (EAGAIN, a pipe a parent process made non-blocking) it returns, for a
 * stream to write; a reader gone (EPIPE, `twin forecast --json | head`) ends the process quietly, as
 * the rest of the output is not wanted.
 */
export function writeFully(fd: number, text: string, write: WriteSync = writeSync): Buffer | undefined {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += write(fd, bytes, written);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (code !== 'EAGAIN') throw error;
    return bytes.subarray(written);
  }
}

/** Once a write met a descriptor that does not block, `process.stdout` writes the rest, in order. */
let throughStream = false;

/** Writes `text` to standard output. */
export function writeOut(text: string): void {
  if (throughStream) {
    process.stdout.write(text);
    return;
  }
  const rest = writeFully(1, text);
  if (rest === undefined) return;
  throughStream = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.stdout.write(rest);
}

const terminals = new Map<number, boolean>();

/**
 * Whether `fd` (1 or 2) is a terminal. Only a character device can be one: for a file or a pipe the
 * answer needs no stream; otherwise the stream's `isTTY`. Asked once per descriptor.
 */
export function isTerminal(fd: 1 | 2): boolean {
  let terminal = terminals.get(fd);
  if (terminal === undefined) {
    try {
      terminal =
        fstatSync(fd).isCharacterDevice() && (fd === 1 ? process.stdout : process.stderr).isTTY === true;
    } catch {
      terminal = false;
    }
    terminals.set(fd, terminal);
  }
  return terminal;
}
