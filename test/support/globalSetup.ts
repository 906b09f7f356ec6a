// Every temporary file of a test run, the tests' own and those of the twins, emulators and commands
// they start, goes into one folder of the run (TMPDIR, which `os.tmpdir()` and child processes
// read), removed when the run ends, whatever a test left there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'twin-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
