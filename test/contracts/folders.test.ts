// The folders import only what the design allows them to (and a Lambda bundle
// never pulls in the local runtime, the CLI or the benchmarks).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every TypeScript file under `folder` (relative to the project), recursively. */
function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => join(folder, path));
}

/** The project's top-level folders that `file` imports (or re-exports) from, besides its own. */
function foldersImportedBy(file: string): Map<string, string> {
  const source = readFileSync(join(root, file), 'utf8');
  const imported = new Map<string, string>();
  for (const [, specifier] of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)) {
    const target = relative(root, resolve(root, dirname(file), specifier!));
    const folder = target.split('/')[0]!;
    if (folder !== file.split('/')[0]) imported.set(folder, specifier!);
  }
  return imported;
}

const rules: { folder: string; mayImport: string[]; besides?: string }[] = [
  { folder: 'sim-core', mayImport: [] },
  { folder: 'orderflow', mayImport: ['sim-core', 'contracts'] },
  { folder: 'contracts', mayImport: ['orderflow'] },
  // The dashboard's server reads forecasts only; what-if on the live state is handed to it.
  { folder: 'dashboard', mayImport: ['contracts'], besides: 'dashboard/page/' },
  // The page runs what-if as one drags itself: the order domain on the engine, which have no I/O.
  { folder: 'dashboard/page', mayImport: ['contracts', 'orderflow', 'sim-core'] },
  { folder: 'emulator', mayImport: ['sim-core', 'orderflow', 'contracts'] },
  // Twins hosted on the engine besides the order flow: of the order domain, what-if's intervals and ranking only.
  { folder: 'twins', mayImport: ['sim-core', 'orderflow'] },
];

describe('folder imports', () => {
  it.each(rules)('$folder imports only what the design allows', ({ folder, mayImport, besides }) => {
    const files = sources(folder).filter((file) => besides === undefined || !file.startsWith(besides));
    expect(files.length).toBeGreaterThan(0);
    const wrong = files.flatMap((file) =>
      [...foldersImportedBy(file)]
        .filter(([imported]) => !mayImport.includes(imported))
        .map(([, specifier]) => `${file} imports ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('contracts take only types from the order domain', () => {
    const wrong = sources('contracts').flatMap((file) => {
      const source = readFileSync(join(root, file), 'utf8');
      return [...source.matchAll(/(?:^|\n)\s*(import|export)\b([^'"]*?)from\s+'(\.[^']*orderflow[^']*)'/g)]
        .filter(([, , clause]) => !/^\s*type\b/.test(clause!))
        .map(([, , , specifier]) => `${file} imports values from ${specifier}`);
    });
    expect(wrong).toEqual([]);
  });

  it("twins take nothing of the order domain but what-if's intervals and ranking", () => {
    const wrong = sources('twins').flatMap((file) =>
      [...foldersImportedBy(file)]
        .filter(
          ([imported, specifier]) =>
            imported === 'orderflow' && !/\/orderflow\/whatif\/(intervals|ranking)\.ts$/.test(specifier),
        )
        .map(([, specifier]) => `${file} imports ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('the Lambda handlers import neither the local runtime, nor the CLI, nor the benchmarks', () => {
    const wrong = sources('lambdas').flatMap((file) =>
      [...foldersImportedBy(file)]
        .filter(([imported]) => ['local', 'cli', 'bench', 'emulator', 'test'].includes(imported))
        .map(([, specifier]) => `${file} imports ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('sees an import that breaks a rule', () => {
    // The check itself: the dashboard's server imports its own folder only, the CLI imports others.
    expect([...foldersImportedBy('dashboard/server.ts').keys()]).toEqual([]);
    expect([...foldersImportedBy('cli/command.ts').keys()]).toContain('contracts');
  });
});
