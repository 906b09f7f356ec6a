// `twin dashboard` as a user meets it: its help, and one clear line with exit code 2 on a busy port.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { twin } from '../support/cli.ts';

describe('twin dashboard', () => {
  let blocker: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
    blocker = undefined;
  });

  it('explains its options, with port 8080 by default', async () => {
    const run = await twin('dashboard', '--help');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: twin dashboard');
    expect(run.stdout).toMatch(
      /--port N\s+port to listen on, 0 to 65535 \(0: any free port\) \(default: 8080\)/,
    );
    expect(run.stdout).toContain('--endpoint URL');
    expect(run.stdout).toMatch(/--host ADDRESS\s+.*\(default: 127\.0\.0\.1\)/);
    expect(run.stdout).toMatch(/--table NAME\s+the forecasts table \(default: forecasts\)/);
    expect(run.stdout).toContain('DASHBOARD_TOKEN');
  });

  it('says in one line that the port is busy, and exits with code 2', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port)),
    );

    const run = await twin('dashboard', '--port', String(port), '--endpoint', 'http://127.0.0.1:9');

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `twin: port ${port} is in use: stop what uses it, or choose another with --port\n`,
    );
    expect(run.stdout).toBe('');
  });

  it('refuses a port that is not one, a negative one included', async () => {
    const above = await twin('dashboard', '--port', '70000');
    const negative = await twin('dashboard', '--port', '-1');
    const empty = await twin('dashboard', '--port', '');

    for (const [run, port] of [
      [above, '70000'],
      [negative, '-1'],
      [empty, ''],
    ] as const) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`twin: --port must be a whole number from 0 to 65535, got "${port}"\n`);
    }
  });

  it('refuses an address that is not of this machine, or does not resolve, before it listens', async () => {
    const foreign = await twin('dashboard', '--host', '203.0.113.7', '--port', '0');
    const unknown = await twin('dashboard', '--host', 'no-such-host.invalid', '--port', '0');

    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(
      /^twin: --host "203\.0\.113\.7" is not an address of this machine: this machine has 127\.0\.0\.1, .*\n$/,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^twin: --host "no-such-host\.invalid" does not resolve \(\w+\): /);
    expect(foreign.stdout + unknown.stdout).toBe('');
  });

  it('refuses an endpoint that is not a URL, from --endpoint or from the environment the SDK reads', async () => {
    const given = await twin('dashboard', '--endpoint', 'localhost:8000', '--port', '0');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', 'localhost:8000');
    const fromEnv = await twin('dashboard', '--port', '0');
    vi.unstubAllEnvs();

    expect(given.code).toBe(2);
    expect(given.stderr).toBe('twin: --endpoint must be an http:// or https:// URL, got "localhost:8000"\n');
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toBe(
      'twin: AWS_ENDPOINT_URL_DYNAMODB must be an http:// or https:// URL, got "localhost:8000"\n',
    );
  });
});
