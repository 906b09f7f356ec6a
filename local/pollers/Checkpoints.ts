// Where each shard's poller has got to: the sequence number of the last record handled
// successfully, kept in a JSON file (written atomically) so that a restart resumes there.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Checkpoints by shard key (`<stream ARN>/<shard id>`). */
export class Checkpoints {
  private values: Record<string, string> = {};
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string | undefined) {}

  /** Loads the checkpoints kept in `path` (none yet if it does not exist); in memory only without a path. */
  static async open(path?: string): Promise<Checkpoints> {
    const checkpoints = new Checkpoints(path);
    if (path) {
      try {
        checkpoints.values = JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new Error(`${path}: cannot read the checkpoints: ${(error as Error).message}`);
        }
      }
    }
    return checkpoints;
  }

  get(shard: string): string | undefined {
    return this.values[shard];
  }

  /** Records that everything up to `sequenceNumber` in `shard` is done, and persists it. */
  async set(shard: string, sequenceNumber: string): Promise<void> {
    this.values[shard] = sequenceNumber;
    const path = this.path;
    if (!path) return;
    const snapshot = JSON.stringify(this.values, null, 2);
    // Writes are serialised, and each replaces the file whole: a crash never leaves half a file.
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, snapshot);
      await rename(`${path}.tmp`, path);
    });
    await this.writing;
  }
}
