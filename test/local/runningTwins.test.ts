// The registry of running twins: a second start finds the twin it would collide with, and entries
// of processes that died are dropped.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collidingTwin, listRunningTwins, registerTwin } from '../../local/runningTwins.ts';

const entry = { dashboardUrl: 'http://127.0.0.1:8080/', port: 8080, dataDir: '/data/a', endpoints: {} };

describe('running twins', () => {
  it('lists a registered twin until it unregisters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-registry-'));

    const unregister = await registerTwin(entry, dir);
    const listed = await listRunningTwins(dir);
    await unregister();

    expect(listed).toEqual([expect.objectContaining({ ...entry, pid: process.pid })]);
    expect(await listRunningTwins(dir)).toEqual([]);
  });

  it('drops the entry of a process that no longer runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-registry-'));
    // Process ids are below 2^22 on Linux: this one cannot run.
    writeFileSync(join(dir, 'dead.json'), JSON.stringify({ ...entry, pid: 2 ** 30, startedAt: '' }));

    expect(await listRunningTwins(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('collides on the same data directory, or on the same port unless any port will do', () => {
    const running = [{ ...entry, pid: 1, startedAt: '' }];

    expect(collidingTwin(running, { dataDir: '/data/a/', port: 0 })).toBe(running[0]);
    expect(collidingTwin(running, { dataDir: '/data/b', port: 8080 })).toBe(running[0]);
    expect(collidingTwin(running, { dataDir: '/data/b', port: 0 })).toBeUndefined();
    expect(collidingTwin(running, { dataDir: '/data/b', port: 8081 })).toBeUndefined();
    expect(collidingTwin(running, { port: 0 })).toBeUndefined();
    expect(collidingTwin(running, { port: 8080 })).toBe(running[0]);
  });
});
