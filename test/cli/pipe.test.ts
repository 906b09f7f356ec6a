// `twin … | head`: a reader that stops early closes the pipe, and the command ends quietly with
// exit code 0, not with an unhandled EPIPE and its stack trace.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticSnapshot } from '../../bench/workloads.ts';

const dir = mkdtempSync(join(tmpdir(), 'twin-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the command line, its output read only in part', () => {
  it('ends with code 0 and nothing on stderr when the reader closes the pipe early', async () => {
    // Some 7 MB of JSON: far more than a pipe holds, so the command is still writing when it closes.
    const snapshot = join(dir, 'snapshot.json');
    writeFileSync(snapshot, JSON.stringify(syntheticSnapshot(10_000)));
    const child = spawn(process.execPath, ['bin/twin.cjs', 'forecast', '--state', snapshot, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let first = '';
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString().slice(0, 20);
      child.stdout.destroy();
    });

    const [code] = (await once(child, 'exit')) as [number | null];

    expect(first).toMatch(/^\{"asOf":/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
