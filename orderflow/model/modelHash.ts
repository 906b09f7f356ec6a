// The hash that names a model in every forecast: the same file content gives the same hash,
// whatever the order of its keys or its whitespace.
import type { PlantModel } from './plantModel.ts';

const hashes = new WeakMap<PlantModel, string>();

/** sha-256 (hex, first 16 digits) of the model as canonical JSON (keys sorted, defaults filled in). */
export function modelHash(model: PlantModel): string {
  let hash = hashes.get(model);
  if (hash === undefined) {
    // node:crypto when first needed: loading it is some 5 ms of a process's start.
    const { createHash } = process.getBuiltinModule('node:crypto');
    hash = createHash('sha256').update(canonicalJson(model)).digest('hex').slice(0, 16);
    hashes.set(model, hash);
  }
  return hash;
}

/** JSON with every object's keys in sorted order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
