// The registry of running twins: one entry per data directory, claimed before a twin starts, so that a
// second start finds the twin it would collide with, and entries of processes that died are dropped.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claimTwin,
  entryFile,
  listRunningTwins,
  runningTwinOf,
  TwinAlreadyRunningError,
} from '../../local/runningTwins.ts';

const registry = () => mkdtempSync(join(tmpdir(), 'twin-registry-'));
const ready = { dashboardUrl: 'http://127.0.0.1:8080/', endpoints: { kinesis: 'k', dynamodb: 'd' } };
// Process ids are below 2^22 on Linux: this one cannot run.
const deadPid = 2 ** 30;

describe('running twins', () => {
  it('lists a twin once its dashboard runs, until it releases its claim', async () => {
    const dir = registry();

    const claim = await claimTwin({ dataDir: '/data/a', port: 8080 }, dir);
    const starting = await listRunningTwins(dir);
    await claim.announce(ready);
    const running = await listRunningTwins(dir);
    const ofDataDir = await runningTwinOf('/data/a/', dir);
    await claim.release();

    expect(starting).toEqual([]);
    expect(running).toEqual([
      expect.objectContaining({ ...ready, port: 8080, dataDir: '/data/a', pid: process.pid }),
    ]);
    expect(ofDataDir).toEqual(running[0]);
    expect(await listRunningTwins(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a second twin on the same data directory, however it is spelled, and says where the first is', async () => {
    const dir = registry();
    const first = await claimTwin({ dataDir: '/data/a', port: 0 }, dir);
    await first.announce(ready);

    const second = await claimTwin({ dataDir: '/data/./a/', port: 0 }, dir).catch((e: unknown) => e);

    expect(second).toBeInstanceOf(TwinAlreadyRunningError);
    expect((second as Error).message).toBe(
      `a twin already runs with /data/./a/ (process ${process.pid}): its dashboard is ${ready.dashboardUrl}`,
    );
    await first.release();
  });

  it('refuses the same dashboard port, unless any port will do, and leaves no claim behind', async () => {
    const dir = registry();
    const first = await claimTwin({ dataDir: '/data/a', port: 8080 }, dir);

    const samePort = await claimTwin({ dataDir: '/data/b', port: 8080 }, dir).catch((e: unknown) => e);
    const otherPort = await claimTwin({ dataDir: '/data/c', port: 8081 }, dir);
    const anyPort = await claimTwin({ dataDir: '/data/d', port: 0 }, dir);

    expect(samePort).toBeInstanceOf(TwinAlreadyRunningError);
    expect((samePort as Error).message).toBe(
      `a twin already runs on port 8080 (process ${process.pid}, data in /data/a): it is still starting`,
    );
    expect(readdirSync(dir).sort()).toEqual(
      ['/data/a', '/data/c', '/data/d'].map((d) => entryFile(d, dir).slice(dir.length + 1)).sort(),
    );
    await Promise.all([first, otherPort, anyPort].map((claim) => claim.release()));
  });

  it('lets exactly one of two twins started at once on one data directory claim it', async () => {
    const dir = registry();

    const claims = await Promise.allSettled(
      [1, 2].map(() => claimTwin({ dataDir: '/data/a', port: 0 }, dir)),
    );

    expect(claims.map((c) => c.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = claims.find((c) => c.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(TwinAlreadyRunningError);
    for (const c of claims) if (c.status === 'fulfilled') await c.value.release();
  });

  it('replaces the entry of a twin whose process died', async () => {
    const dir = registry();
    const dead = { pid: deadPid, port: 8080, dataDir: '/data/a', startedAt: '', ...ready };
    writeFileSync(entryFile('/data/a', dir), JSON.stringify(dead));

    const claim = await claimTwin({ dataDir: '/data/a', port: 8080 }, dir);
    await claim.announce(ready);

    expect(await runningTwinOf('/data/a', dir)).toMatchObject({ pid: process.pid });
    await claim.release();
  });

  it('ignores and drops the entry of a process that no longer runs', async () => {
    const dir = registry();
    writeFileSync(
      join(dir, 'dead.json'),
      JSON.stringify({ pid: deadPid, port: 8080, dataDir: '/data/a', startedAt: '', ...ready }),
    );
    writeFileSync(
      entryFile('/data/b', dir),
      JSON.stringify({ pid: deadPid, port: 8081, dataDir: '/data/b', startedAt: '', ...ready }),
    );

    expect(await runningTwinOf('/data/b', dir)).toBeUndefined();
    expect(await listRunningTwins(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
