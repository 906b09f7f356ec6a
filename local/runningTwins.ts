// The embedded twins that run on this machine: each one registers itself (process, dashboard, data
// directory, endpoints) in a folder of the system's temporary directory, so that a second
// `npm start` says which twin runs already, and `twin reset` finds the twin it should empty.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Endpoints } from './clients.ts';

/** What a running twin says about itself. */
export interface RunningTwinEntry {
  pid: number;
  dashboardUrl: string;
  /** The dashboard port asked for (0: any free port). */
  port: number;
  dataDir: string;
  endpoints: Endpoints;
  startedAt: string;
}

/** Where running twins register (one JSON file each). */
export const registryDir = (): string => join(tmpdir(), 'order-flow-twin-running');

/** Whether a process with this id runs (one of another user's counts too). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The twins that run now; entries of processes that have died (killed, say) are removed. */
export async function listRunningTwins(dir = registryDir()): Promise<RunningTwinEntry[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const running: RunningTwinEntry[] = [];
  for (const file of files) {
    let entry: RunningTwinEntry;
    try {
      entry = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch {
      continue; // being written, or removed meanwhile
    }
    if (processAlive(entry.pid)) running.push(entry);
    else await rm(join(dir, file), { force: true });
  }
  return running.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The running twin that a new one would collide with: the same data directory (if given), or the same port. */
export function collidingTwin(
  running: readonly RunningTwinEntry[],
  wanted: { dataDir?: string | undefined; port: number },
): RunningTwinEntry | undefined {
  const dataDir = wanted.dataDir === undefined ? undefined : resolve(wanted.dataDir);
  return running.find((t) => resolve(t.dataDir) === dataDir || (wanted.port !== 0 && t.port === wanted.port));
}

/** Registers this process's twin; returns what removes the entry again. */
export async function registerTwin(
  entry: Omit<RunningTwinEntry, 'pid' | 'startedAt'>,
  dir = registryDir(),
): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${process.pid}-${randomUUID().slice(0, 8)}.json`);
  const full: RunningTwinEntry = { ...entry, pid: process.pid, startedAt: new Date().toISOString() };
  await writeFile(file, JSON.stringify(full, null, 2));
  return () => rm(file, { force: true });
}

/** The lock a running twin keeps in its data directory (what `twin reset --data-dir` reads). */
export const twinLockFile = (dataDir: string): string => join(dataDir, 'twin.lock');

/** The twin whose lock is in `dataDir`, if its process still runs. */
export async function runningTwinOf(
  dataDir: string,
): Promise<{ pid: number; dashboardUrl: string; endpoints: Endpoints } | undefined> {
  try {
    const lock = JSON.parse(await readFile(twinLockFile(dataDir), 'utf8')) as {
      pid: number;
      dashboardUrl: string;
      endpoints: Endpoints;
    };
    return processAlive(lock.pid) ? lock : undefined;
  } catch {
    return undefined; // no lock, or one being written
  }
}
