// The embedded twins that run on this machine: one entry per twin in a folder of the system's temporary
// directory, named after its data directory and created exclusively. The entry is the twin's lock on that
// directory, and what a second `npm start`, `twin reset` and `twin accuracy` read to find the twin.
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Endpoints } from './clients.ts';

/** What a running twin says about itself. */
export interface RunningTwinEntry {
  pid: number;
  dashboardUrl: string;
  /** The dashboard port asked for (0: any free port). */
  port: number;
  /** Absolute. */
  dataDir: string;
  endpoints: Endpoints;
  startedAt: string;
}

/** An entry as it stands while its twin starts: no dashboard or endpoints yet. */
export type TwinEntry = Omit<RunningTwinEntry, 'dashboardUrl' | 'endpoints'> &
  Partial<Pick<RunningTwinEntry, 'dashboardUrl' | 'endpoints'>>;

/** Another twin runs with this data directory, or on this dashboard port. */
export class TwinAlreadyRunningError extends Error {
  override name = 'TwinAlreadyRunningError';
  readonly twin: TwinEntry;
  constructor(message: string, twin: TwinEntry) {
    super(message);
    this.twin = twin;
  }
}

/** Where running twins register (one JSON file each). */
export const registryDir = (): string => join(tmpdir(), 'order-flow-twin-running');

/** The entry of the twin on `dataDir`: one name per directory, however it is spelled. */
export const entryFile = (dataDir: string, dir = registryDir()): string =>
  join(dir, `${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)}.json`);

/** Whether a process with this id runs (one of another user's counts too). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isReady = (entry: TwinEntry): entry is RunningTwinEntry =>
  entry.dashboardUrl !== undefined && entry.endpoints !== undefined;

/** A file's entry; undefined when it is gone or not an entry. */
async function readEntry(file: string): Promise<TwinEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as TwinEntry;
    return typeof entry.pid === 'number' ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** A name beside `file` that no other process uses. */
const scratchName = (file: string, kind: 'tmp' | 'stale') =>
  `${file}.${process.pid}.${randomUUID().slice(0, 8)}.${kind}`;

/** Writes `entry` to `file` only if there is none: written aside, then linked, so it appears whole or not at all. */
async function createExclusive(file: string, entry: TwinEntry): Promise<boolean> {
  const scratch = scratchName(file, 'tmp');
  await writeFile(scratch, JSON.stringify(entry, null, 2));
  try {
    await link(scratch, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(scratch, { force: true });
  }
}

/** Replaces `file` with `entry` in one step (readers see the old entry or the new one). */
async function replace(file: string, entry: TwinEntry): Promise<void> {
  const scratch = scratchName(file, 'tmp');
  await writeFile(scratch, JSON.stringify(entry, null, 2));
  await rename(scratch, file);
}

/**
 * Removes the entry of a process that has died. It is moved aside before it is looked at, so that a twin
 * that claimed the name meanwhile gets its entry back instead of losing it.
 */
async function removeStale(file: string): Promise<void> {
  const aside = scratchName(file, 'stale');
  try {
    await rename(file, aside);
  } catch {
    return; // removed by someone else
  }
  const moved = await readEntry(aside);
  if (moved && processAlive(moved.pid)) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Every entry of a live process, ready or starting, with its file; entries of dead processes are removed. */
async function liveEntries(dir: string): Promise<{ file: string; entry: TwinEntry }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const live: { file: string; entry: TwinEntry }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const entry = await readEntry(file);
    if (entry === undefined) continue; // removed meanwhile
    if (processAlive(entry.pid)) live.push({ file, entry });
    else await removeStale(file);
  }
  return live;
}

/** The twins that run now (started, with a dashboard), oldest first. */
export async function listRunningTwins(dir = registryDir()): Promise<RunningTwinEntry[]> {
  return (await liveEntries(dir))
    .map(({ entry }) => entry)
    .filter(isReady)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The twin that runs on `dataDir`, if one does. */
export async function runningTwinOf(
  dataDir: string,
  dir = registryDir(),
): Promise<RunningTwinEntry | undefined> {
  const entry = await readEntry(entryFile(dataDir, dir));
  return entry && isReady(entry) && processAlive(entry.pid) ? entry : undefined;
}

/** This process's entry: filled in once the twin runs, removed when it stops. */
export interface TwinClaim {
  /** Says where the twin's dashboard and endpoints are. */
  announce(ready: Pick<RunningTwinEntry, 'dashboardUrl' | 'endpoints'>): Promise<void>;
  /** Removes the entry. Idempotent. */
  release(): Promise<void>;
}

const whereItIs = (twin: TwinEntry) =>
  twin.dashboardUrl === undefined ? 'it is still starting' : `its dashboard is ${twin.dashboardUrl}`;

/**
 * Claims `dataDir` for a twin of this process, before anything of it starts: refuses when a live twin
 * runs with the same data directory, or on the same dashboard port (unless any port will do).
 */
export async function claimTwin(
  wanted: { dataDir: string; port: number },
  dir = registryDir(),
): Promise<TwinClaim> {
  await mkdir(dir, { recursive: true });
  const file = entryFile(wanted.dataDir, dir);
  const entry: TwinEntry = {
    pid: process.pid,
    port: wanted.port,
    dataDir: resolve(wanted.dataDir),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 1; !(await createExclusive(file, entry)); attempt++) {
    const other = await readEntry(file);
    if (other && processAlive(other.pid)) {
      throw new TwinAlreadyRunningError(
        `a twin already runs with ${wanted.dataDir} (process ${other.pid}): ${whereItIs(other)}`,
        other,
      );
    }
    if (attempt >= 5) throw new Error(`cannot register the twin in ${file}: it keeps changing`);
    await removeStale(file);
  }
  let current = entry;
  const release = () => rm(file, { force: true });
  const onPort = (await liveEntries(dir)).find(
    (other) => other.file !== file && wanted.port !== 0 && other.entry.port === wanted.port,
  );
  if (onPort) {
    await release();
    const other = onPort.entry;
    throw new TwinAlreadyRunningError(
      `a twin already runs on port ${wanted.port} (process ${other.pid}, data in ${other.dataDir}): ${whereItIs(other)}`,
      other,
    );
  }
  return {
    announce: async (ready) => {
      current = { ...current, ...ready };
      await replace(file, current);
    },
    release,
  };
}
