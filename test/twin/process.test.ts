// `twin start` as a person runs it: one clear line for a second start, a busy port or a missing
// Java; `twin reset`; and Ctrl-C (SIGINT) leaves no emulator process behind.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/emulators.ts';
import { waitFor } from '../support/wait.ts';

const exec = promisify(execFile);
const twin = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  exec(process.execPath, ['bin/twin.mjs', ...args], { env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );

describe('twin start as a process', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('says so when it runs already, when the port is busy; resets; and stops cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twin-process-'));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        'bin/twin.mjs',
        'start',
        '--scenario',
        'demo',
        '--speed',
        '6000',
        '--port',
        String(port),
        '--data-dir',
        dataDir,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d) => {
      output += d;
    });
    child.stderr!.on('data', (d) => {
      output += d;
    });
    await waitFor('the twin to run', () => output.includes('The twin is running'), 60_000);
    expect(output).toContain(`Dashboard: http://127.0.0.1:${port}/`);

    const again = await twin(['start', '--data-dir', dataDir, '--port', '0']);
    const busy = await twin([
      'start',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'twin-busy-')),
      '--port',
      String(port),
      '--scenario',
      'none',
    ]);
    const reset = await twin(['reset', '--data-dir', dataDir, '--yes']);
    const unconfirmed = await twin(['reset', '--data-dir', dataDir]);

    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /^twin: a twin already runs with .* its dashboard is http:\/\/127\.0\.0\.1:\d+\/$/m,
    );
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(new RegExp(`^twin: port ${port} is busy: is a twin already running\\?`, 'm'));
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/deleted \d+ items from order-state, \d+ items from forecasts/);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/add --yes to confirm/);

    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('stopped:');
    const { stdout } = await exec('ps', ['-eo', 'args']);
    expect(stdout.split('\n').filter((line) => line.includes(dataDir))).toEqual([]);
  }, 120_000);

  it('says in one line that Java is missing, and how to install it', async () => {
    const bin = join(mkdtempSync(join(tmpdir(), 'twin-nojava-')), 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'placeholder'), '');
    const { JAVA_HOME: _javaHome, ...rest } = process.env;

    const run = await twin(['start', '--port', '0', '--scenario', 'none'], {
      ...rest,
      PATH: `${bin}:/usr/local/bin/nonexistent`,
    });

    expect(run.code).toBe(2);
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('twin:')),
    ).toEqual([
      expect.stringMatching(
        /^twin: DynamoDB Local needs a Java runtime 17\+.*apt-get install openjdk-17-jre-headless/,
      ),
    ]);
  }, 60_000);
});
