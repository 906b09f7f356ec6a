// Builds the dashboard page with esbuild into dashboard/dist/ (index.html, app.js, app.css): one bundle,
// ECharts included, nothing loaded from the network.
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PageBuildError } from './errors.ts';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
/** Where the page is built by default (gitignored). */
export const DIST_DIR = fileURLToPath(new URL('./dist/', import.meta.url));

export interface PageBuild {
  outDir: string;
  /** The files written, by name, with their sizes in bytes. */
  files: Record<string, number>;
  ms: number;
}

/** Bundles the page into `outDir`; each file is replaced atomically, so a server reading it never sees half a file. */
export async function buildDashboard(
  options: { outDir?: string; minify?: boolean } = {},
): Promise<PageBuild> {
  const outDir = options.outDir ?? DIST_DIR;
  const started = performance.now();
  await mkdir(outDir, { recursive: true });
  let outputs: { path: string; contents: Uint8Array }[];
  try {
    const result = await build({
      // The what-if engine is a bundle of its own, which the page loads on the first drag.
      entryPoints: { app: join(PAGE_DIR, 'main.ts'), engine: join(PAGE_DIR, 'engine.ts') },
      // The order domain names a model by its sha-256, with node:crypto that it loads through
      // process.getBuiltinModule: in the page, by a hash of the page's own.
      define: { 'process.getBuiltinModule': 'pageBuiltinModule' },
      inject: [join(PAGE_DIR, 'sha256.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: ['chrome110', 'firefox110', 'safari16'],
      minify: options.minify ?? true,
      sourcemap: 'linked',
      legalComments: 'eof',
      outdir: outDir,
      write: false,
      logLevel: 'silent',
    });
    outputs = result.outputFiles;
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { file: string; line: number } }[] })
      .errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new PageBuildError(`the dashboard page did not build: ${first?.text ?? String(error)}${where}`, {
      cause: error,
    });
  }
  await removeAbandonedTemporaries(outDir);
  const files: Record<string, number> = {};
  const replace = async (name: string, write: (tmp: string) => Promise<void>) => {
    const tmp = join(outDir, `.${name}.${randomUUID().slice(0, 8)}.tmp`);
    try {
      await write(tmp);
      await rename(tmp, join(outDir, name));
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  };
  await Promise.all([
    ...outputs.map((file) => {
      files[basename(file.path)] = file.contents.byteLength;
      return replace(basename(file.path), (tmp) => writeFile(tmp, file.contents));
    }),
    replace('index.html', (tmp) => copyFile(join(PAGE_DIR, 'index.html'), tmp)),
    replace('favicon.svg', (tmp) => copyFile(join(PAGE_DIR, 'favicon.svg'), tmp)),
  ]);
  return { outDir, files, ms: Math.round(performance.now() - started) };
}

/** Temporary files of builds that were killed mid-write (a running build's are younger than a minute). */
async function removeAbandonedTemporaries(outDir: string): Promise<void> {
  const names = (await readdir(outDir)).filter((n) => n.startsWith('.') && n.endsWith('.tmp'));
  await Promise.all(
    names.map(async (name) => {
      const file = join(outDir, name);
      const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 60_000) await rm(file, { force: true });
    }),
  );
}

// `npm run build:dashboard` (tsx dashboard/build.ts): build and say what was written. (The file
// name is checked too: bundled into another program, import.meta.url is that program's.)
if (process.argv[1]?.endsWith('build.ts') && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildDashboard();
  const sizes = Object.entries(built.files).map(
    ([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`,
  );
  process.stdout.write(`dashboard page built in ${built.ms} ms into ${built.outDir}: ${sizes.join(', ')}\n`);
}
