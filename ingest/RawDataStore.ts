// Where a rejected record's raw data goes when it does not fit in a failure message: S3 on AWS
// (S3RawDataStore.ts), a folder beside failures.jsonl locally, memory in tests. The message keeps a
// pointer to it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RawDataStoreError } from './errors.ts';

/** Where a record's raw data was stored, its size in bytes and its SHA-256 (hex). */
export type DataPointer =
  | { store: 's3'; bucket: string; key: string; size: number; sha256: string }
  | { store: 'file'; path: string; size: number; sha256: string }
  | { store: 'memory'; key: string; size: number; sha256: string };

/** Stores raw record data under a key; resolves only once it is stored, else throws RawDataStoreError. */
export interface RawDataStore {
  put(key: string, data: Uint8Array, sha256: string): Promise<DataPointer>;
}

// Keys are made by failureMessages.ts from sanitised parts; a store refuses anything else, so that a
// key can never leave its folder.
const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Checks that `key` is made of safe path segments (no `..`, no absolute path). */
export function checkKey(key: string): void {
  if (!SAFE_KEY.test(key)) throw new RawDataStoreError(`not a safe key for raw record data: ${key}`);
}

/** Keeps raw data as files in a folder (the embedded runtime's store, beside failures.jsonl). */
export class DirectoryRawDataStore implements RawDataStore {
  constructor(readonly directory: string) {}

  async put(key: string, data: Uint8Array, sha256: string): Promise<DataPointer> {
    checkKey(key);
    const path = join(this.directory, key);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, data);
    } catch (error) {
      throw new RawDataStoreError(
        `could not write raw record data to ${path}`,
        { location: path },
        { cause: error },
      );
    }
    return { store: 'file', path, size: data.byteLength, sha256 };
  }
}

/** Keeps raw data in memory (tests). */
export class InMemoryRawDataStore implements RawDataStore {
  readonly objects = new Map<string, Uint8Array>();

  async put(key: string, data: Uint8Array, sha256: string): Promise<DataPointer> {
    checkKey(key);
    this.objects.set(key, Uint8Array.from(data));
    return { store: 'memory', key, size: data.byteLength, sha256 };
  }
}
