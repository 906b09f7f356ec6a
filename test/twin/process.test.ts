// `twin start` as a person runs it: one clear line for a second start, a busy port or a missing
// Java; `twin reset`; and Ctrl-C (SIGINT) leaves no emulator process behind.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/emulators/index.ts';
import { waitFor } from '../support/wait.ts';

const exec = promisify(execFile);
// A twin that should have refused to start but runs is stopped (SIGTERM) before the test's own timeout.
const twin = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  exec(process.execPath, ['bin/twin.cjs', ...args], { env, timeout: 45_000 }).then(
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
    // A temporary directory of its own: the twins that other tests start do not register here.
    const env = { ...process.env, TMPDIR: mkdtempSync(join(tmpdir(), 'twin-process-tmp-')) };
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        'bin/twin.cjs',
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
      // Its own process group, as a terminal runs it: Ctrl-C signals the whole group.
      { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true },
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
    // The demo's four orders run out (at this speed within a second): the twin says so, and goes on.
    await waitFor('the demo to end', () => output.includes('scenario is over'), 30_000);
    expect(output).toMatch(
      /^the demo scenario is over: 25 events, \d+ min of plant time\. The twin keeps running; for a plant that keeps going: npm start -- --scenario steady\.\nHow good its forecasts were: npx twin accuracy$/m,
    );

    const sameDataDir = await twin(['start', '--data-dir', dataDir, '--port', '0'], env);
    const samePort = await twin(['start', '--port', String(port), '--scenario', 'none'], env);
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const blockedPort = (blocker.address() as AddressInfo).port;
    const busy = await twin(['start', '--port', String(blockedPort), '--scenario', 'none'], env);
    blocker.close();
    // The command the twin suggests finds it on its own.
    const accuracy = await twin(['accuracy'], env);
    const reset = await twin(['reset', '--yes'], env);
    const unconfirmed = await twin(['reset', '--data-dir', dataDir], env);

    expect(sameDataDir.code).toBe(2);
    expect(sameDataDir.stderr).toMatch(
      /^twin: a twin already runs with .* its dashboard is http:\/\/127\.0\.0\.1:\d+\/$/m,
    );
    // Refused before anything starts, and it says only that.
    for (const refused of [sameDataDir, samePort]) expect(refused.stderr).not.toMatch(/starting/);
    expect(output).toContain('starting kinesalite and DynamoDB Local ...');
    expect(samePort.code).toBe(2);
    expect(samePort.stderr).toMatch(
      new RegExp(
        `^twin: a twin already runs on port ${port} .*its dashboard is http://127\\.0\\.0\\.1:${port}/$`,
        'm',
      ),
    );
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(
      new RegExp(`^twin: port ${blockedPort} is busy: another program listens there`, 'm'),
    );
    expect(accuracy.code, accuracy.stderr).toBe(0);
    expect(accuracy.stdout).toMatch(
      /^Forecast accuracy in the twin running with .*\n\d+ orders? ha(s|ve) finished every step/m,
    );
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(
      /deleted \d+ items from order-state, \d+ items from forecasts in the twin running with /,
    );
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/add --yes to confirm/);

    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('stopped:');
    // The emulators outlived the pipeline: nothing failed while it stopped.
    expect(output).not.toMatch(/handler failed|ECONNREFUSED/);
    const { stdout } = await exec('ps', ['-eo', 'args']);
    expect(stdout.split('\n').filter((line) => line.includes(dataDir))).toEqual([]);

    // Stopped: its tables are still there to reset, and nothing of it runs afterwards.
    const resetStopped = await twin(['reset', '--data-dir', dataDir, '--yes'], env);
    const nothingRuns = await twin(['reset', '--yes'], env);
    expect(resetStopped.code, resetStopped.stderr).toBe(0);
    expect(resetStopped.stdout).toMatch(/items from order-state, .* in the stopped twin's tables in /);
    expect(nothingRuns.code).toBe(2);
    expect(nothingRuns.stderr).toMatch(/^twin: no twin runs on this machine/m);
    const after = await exec('ps', ['-eo', 'args']);
    expect(after.stdout.split('\n').filter((line) => line.includes(dataDir))).toEqual([]);
  }, 180_000);

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

  it('says in one line that an endpoint cannot be reached, given with --endpoint or AWS_ENDPOINT_URL', async () => {
    const closed = await freePort();
    const endpoint = `http://127.0.0.1:${closed}`;

    const runs = [
      await twin(['start', '--endpoint', endpoint, '--port', '0', '--scenario', 'none']),
      await twin(['start', '--port', '0', '--scenario', 'none'], {
        ...process.env,
        AWS_ENDPOINT_URL: endpoint,
      }),
    ];

    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(
          `^twin: cannot reach Kinesis or DynamoDB at http://127\\.0\\.0\\.1:${closed} .*is it running\\?$`,
          'm',
        ),
      );
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
  }, 60_000);
});
