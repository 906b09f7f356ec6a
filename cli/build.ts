// Builds the command line once (`npm run build:cli`, run by npm's `prepare` on `npm install` and
// `npm ci`): an esbuild bundle in dist/cli/ that bin/twin.cjs runs instead of compiling the
// TypeScript sources on every start, with each command in its own chunk, loaded when it runs.
// Beside it, inputs.json lists every file the bundle was built from with its modification time as
// it was read, and which of them forecast.cjs was built from: bin/twin.cjs runs the bundle only while
// they (for `twin forecast`, forecast.cjs's) still have those times.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { withSourceUrl } from './sourceUrl.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist/cli');
/** Read by bin/twin.cjs: written last, so that a half-built folder is never run. */
const stampFile = join(outDir, 'inputs.json');
/**
 * Packages bundled in rather than imported from node_modules at run time: pure JavaScript that the
 * light commands (forecast, schema, demo) load, a single file faster than its many modules.
 */
const bundledPackages = ['zod'];
/** What shapes the bundle besides its sources: the build itself and the bundled packages' versions. */
const buildFiles = [
  'cli/build.ts',
  'tsconfig.json',
  ...bundledPackages.map((p) => `node_modules/${p}/package.json`),
];

/** A path relative to the project, with `/` on every platform (as bin/twin.cjs reads it). */
const projectPath = (path: string) => relative(root, path).split(sep).join('/');

/**
 * Loads the project's own files for esbuild, recording each one's modification time before it is
 * read (a file changed meanwhile has a newer time than recorded, so the bundle counts as stale).
 * `import.meta.url` keeps meaning the source file's address (the dashboard finds its page, a
 * benchmark its script by it): every output lies directly in dist/cli/, so it is made relative to that.
 */
function sourcesAsRead(inputs: Record<string, number>, format: 'esm' | 'cjs'): Plugin {
  // A CommonJS file has no import.meta: its own address is __filename's.
  const ownUrl = format === 'esm' ? undefined : "require('node:url').pathToFileURL(__filename)";
  return {
    name: 'sources-as-read',
    setup(b) {
      b.onLoad({ filter: /\.(ts|json)$/ }, async ({ path }) => {
        if (path.split(sep).includes('node_modules')) return undefined;
        inputs[projectPath(path)] = (await stat(path)).mtimeMs;
        const contents = await readFile(path, 'utf8');
        if (extname(path) === '.json') return { contents, loader: 'json' };
        return { contents: withSourceUrl(contents, path, outDir, ownUrl), loader: 'ts' };
      });
    },
  };
}

/** Every other package stays in node_modules, imported when the command line runs. */
const packagesAtRunTime: Plugin = {
  name: 'packages-at-run-time',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      bundledPackages.some((p) => path === p || path.startsWith(`${p}/`))
        ? undefined
        : { path, external: true },
    );
  },
};

/** Builds dist/cli/; returns the number of modules written (source maps aside) and their total size in bytes. */
async function buildCli(): Promise<{ files: number; bytes: number }> {
  const inputs: Record<string, number> = {};
  for (const file of buildFiles) inputs[file] = (await stat(join(root, file))).mtimeMs;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const common = {
    absWorkingDir: root,
    outdir: outDir,
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    target: 'node20',
    // Less source to parse at every start (some 5 ms of a forecast's); names are kept for stack traces,
    // which `node --enable-source-maps bin/twin.cjs` maps back to the TypeScript sources.
    minifyWhitespace: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  } as const;
  const [chunks, forecast] = await Promise.all([
    // The command line: each command in its own chunk, loaded when it runs.
    build({
      ...common,
      entryPoints: {
        main: 'cli/main.ts',
        resources: 'contracts/resources.ts',
        replicationWorker: 'forecast/threads/replicationWorker.ts',
      },
      chunkNames: '[name]-[hash]',
      splitting: true,
      format: 'esm',
      plugins: [packagesAtRunTime, sourcesAsRead(inputs, 'esm')],
    }),
    // `twin forecast` alone in one CommonJS file: Node.js 20 loads one file sooner than a dozen ES
    // module chunks, and in CommonJS what the command loads only when it needs it (worker threads)
    // stays out of its start.
    build({
      ...common,
      entryPoints: { forecast: 'cli/forecastMain.ts' },
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      plugins: [packagesAtRunTime, sourcesAsRead(inputs, 'cjs')],
    }),
  ]);
  const outputsOf = (result: { metafile: Metafile }) => Object.entries(result.metafile.outputs);
  const inputsOf = (result: { metafile: Metafile }) => Object.keys(result.metafile.inputs);
  const unrecorded = [...inputsOf(chunks), ...inputsOf(forecast)].filter(
    (path) => !(path in inputs) && !path.split('/').includes('node_modules'),
  );
  if (unrecorded.length > 0)
    throw new Error(`build:cli: inputs without a recorded time: ${unrecorded.join(', ')}`);
  const sorted = Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => a.localeCompare(b)));
  // And the files that forecast.cjs alone was built from, which `twin forecast` checks (a third of them).
  const forecastInputs = [...buildFiles, ...inputsOf(forecast).filter((path) => path in inputs)].sort();
  await writeFile(
    stampFile,
    `${JSON.stringify({ inputs: sorted, outputs: { 'forecast.cjs': forecastInputs } }, null, 2)}\n`,
  );
  const outputs = [...outputsOf(chunks), ...outputsOf(forecast)]
    .filter(([path]) => /\.c?js$/.test(path))
    .map(([, output]) => output);
  return { files: outputs.length, bytes: outputs.reduce((sum, o) => sum + o.bytes, 0) };
}

/**
 * Runs `twin forecast` once on the example snapshot, which leaves V8's code cache of forecast.cjs
 * beside it on Node.js 20 (see bin/twin.cjs): the first forecast a user runs has it, and it holds what
 * a forecast compiles rather than what a first `twin forecast --help` would.
 */
async function warmForecastCache(): Promise<void> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  await promisify(execFile)(
    process.execPath,
    [join(root, 'bin/twin.cjs'), 'forecast', '--state', join(root, 'examples/demo-snapshot.json')],
    { cwd: root },
  );
}

const started = performance.now();
const { files, bytes } = await buildCli();
// The bundle is built: a forecast that fails here leaves the cache to the first one a user runs.
await warmForecastCache().catch((error: Error) =>
  process.stderr.write(`build:cli: no code cache made for forecast.cjs: ${error.message.split('\n')[0]}\n`),
);
process.stdout.write(
  `build:cli: ${projectPath(outDir)}/ (${files} modules, ${Math.round(bytes / 1024)} kB) in ${Math.round(performance.now() - started)} ms\n`,
);
