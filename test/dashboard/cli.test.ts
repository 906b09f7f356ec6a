// `twin dashboard` as a user meets it: its help, and one clear line with exit code 2 on a busy port.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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
    expect(run.stdout).toMatch(/--port N\s+port to listen on \(default: 8080\)/);
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

  it('refuses a port that is not one', async () => {
    const run = await twin('dashboard', '--port', '70000');

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('twin: --port must be at most 65535, got "70000"\n');
  });
});
