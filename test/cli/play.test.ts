// `twin play` as a person runs it: a real process serves the page and the run's state, takes a rate,
// and stops cleanly on Ctrl-C (SIGINT), exit code 0.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

describe('twin play as a process', () => {
  it('serves the run, takes a rate, and stops on Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      [
        'bin/twin.cjs',
        'play',
        '--model',
        'examples/models/product-delivery.json',
        '--port',
        '0',
        '--speed',
        '36000',
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!/Play: (http:\S+)/.test(output) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = /Play: (http:\S+)/.exec(output)?.[1];
      expect(url, output).toBeDefined();

      const page = await fetch(url!);
      const state = (await (await fetch(`${url}api/state`)).json()) as { time: number; centers: unknown[] };
      const rate = await fetch(`${url}api/rate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ center: 'Pittsburgh', rate: 150 }),
      });

      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Rates (units an hour');
      expect(state.centers).toHaveLength(3);
      expect(rate.status).toBe(202);
      process.kill(-child.pid!, 'SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, output).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 30_000);
});
