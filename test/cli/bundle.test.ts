// The command line as `npm install` leaves it: `npm run build:cli` bundles it, bin/twin.mjs runs the
// bundle while it matches the sources and the sources otherwise, and each command's modules load
// only when it runs. Built in a copy of the project, so that the bundle the other tests run stays as it is.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../cli/main.ts';
import { twin } from '../support/cli.ts';

const root = resolve(import.meta.dirname, '../..');
/** What a checkout does not hold: installed, generated or local files. */
const notCopied = new Set(['node_modules', '.git', 'dist', 'coverage', 'cdk.out', 'test-artifacts', '.twin']);

let copy: string;
let loadsFile: string;
let recordLoads: string;

interface Run {
  code: number;
  stdout: string;
  /** The address of every module the process (and a process it starts) resolved, in order. */
  loads: string[];
}

/** Runs `node bin/twin.mjs …args` in the copy, recording the modules it loads. */
async function copiedTwin(...args: string[]): Promise<Run> {
  const loads = `${loadsFile}-${Math.random().toString(36).slice(2)}`;
  await writeFile(loads, '');
  const env = { ...process.env, TWIN_TEST_LOADS: loads };
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) =>
    execFile(
      process.execPath,
      ['--import', recordLoads, join(copy, 'bin/twin.mjs'), ...args],
      { cwd: copy, env, timeout: 60_000 },
      (error, out) => done({ code: (error as { code?: number } | null)?.code ?? 0, stdout: out }),
    ),
  );
  return { code, stdout, loads: (await readFile(loads, 'utf8')).split('\n').filter(Boolean) };
}

const buildCli = () =>
  new Promise<void>((done, fail) =>
    execFile('npm', ['run', '--silent', 'build:cli'], { cwd: copy, timeout: 120_000 }, (error) =>
      error ? fail(error) : done(),
    ),
  );

const bundleUrl = () => pathToFileURL(join(copy, 'dist/cli')).href;
const fromBundle = (loads: string[]) => loads.filter((url) => url.startsWith(bundleUrl()));
const packagesLoaded = (loads: string[]) =>
  new Set(loads.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.slice(1) ?? []));

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'twin-bundle-'));
  await cp(root, copy, { recursive: true, filter: (path) => !notCopied.has(basename(path)) });
  await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // A module hook that appends each resolved address to the file named by TWIN_TEST_LOADS.
  loadsFile = join(copy, 'loads');
  const hooks = join(copy, 'record-hooks.mjs');
  await writeFile(
    hooks,
    "import { appendFileSync } from 'node:fs';\n" +
      'export async function resolve(specifier, context, next) {\n' +
      '  const result = await next(specifier, context);\n' +
      "  appendFileSync(process.env.TWIN_TEST_LOADS, result.url + '\\n');\n" +
      '  return result;\n' +
      '}\n',
  );
  // And at exit, what the hook does not see: the CommonJS files required (twin forecast's file, the
  // packages' CommonJS builds).
  recordLoads = join(copy, 'record-loads.mjs');
  await writeFile(
    recordLoads,
    "import { appendFileSync } from 'node:fs';\n" +
      "import { createRequire, register } from 'node:module';\n" +
      "import { pathToFileURL } from 'node:url';\n" +
      `register(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
      'const { cache } = createRequire(import.meta.url);\n' +
      "process.on('exit', () => {\n" +
      "  appendFileSync(process.env.TWIN_TEST_LOADS, Object.keys(cache).map((path) => `${pathToFileURL(path).href}\\n`).join(''));\n" +
      '});\n',
  );
  await buildCli();
}, 180_000);

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe('the bundled command line', () => {
  it('runs `twin --help` from the bundle that npm run build:cli makes, with the help of the sources', async () => {
    const expected = await twin('--help');

    const run = await copiedTwin('--help');

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(expected.stdout);
    expect(fromBundle(run.loads)).toContain(`${bundleUrl()}/main.js`);
    expect(run.loads.filter((url) => url.endsWith('.ts'))).toEqual([]);
  });

  it('lists the commands without loading any of them, nor a package', async () => {
    const run = await copiedTwin('--help');

    expect(fromBundle(run.loads).map((url) => basename(url))).not.toContainEqual(
      expect.stringMatching(new RegExp(`^(${commands.map((c) => c.name).join('|')})-`)),
    );
    expect([...packagesLoaded(run.loads)]).toEqual([]);
  });

  it('forecasts an empty snapshot without the AWS SDK, hono or the dashboard, which the dashboard command loads', async () => {
    const snapshot = join(copy, 'empty-snapshot.json');
    await writeFile(snapshot, JSON.stringify({ asOf: Date.UTC(2026, 0, 5, 8), orders: [] }));

    const forecast = await copiedTwin('forecast', '--state', snapshot);
    const dashboard = await copiedTwin('dashboard', '--help');

    expect(forecast.code).toBe(0);
    expect(forecast.stdout).toContain('No active orders.');
    // From its own single file: none of the command line's chunks.
    expect(fromBundle(forecast.loads).map((url) => basename(url))).toEqual(['forecast.cjs']);
    const heavy = /^(@aws-sdk|@smithy|@aws-lambda-powertools|hono|@hono)\b/;
    expect([...packagesLoaded(forecast.loads)].filter((name) => heavy.test(name))).toEqual([]);
    expect(forecast.loads.filter((url) => url.includes('/dashboard'))).toEqual([]);
    // Worker threads are loaded where a Monte Carlo forecast starts one, not before (looked at in a
    // process of its own: the module hook above runs on a worker thread).
    const builtins = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(join(copy, 'dist/cli/forecast.cjs'))}).main(['forecast', '--state', ${JSON.stringify(snapshot)}], { out() {}, err() {}, interactive: false })` +
            ".then(() => process.stdout.write(process.moduleLoadList.join('\\n')))",
        ],
        { cwd: copy, timeout: 60_000 },
        (error, out) => (error ? fail(error) : done(out)),
      ),
    );
    expect(builtins.split('\n')).toContain('NativeModule fs/promises');
    expect(builtins.split('\n')).not.toContain('NativeModule worker_threads');
    expect(dashboard.code).toBe(0);
    expect([...packagesLoaded(dashboard.loads)]).toEqual(
      expect.arrayContaining(['@aws-sdk/lib-dynamodb', 'hono']),
    );
  });

  it('brings only the parts of zod that the schemas use: every source imports it as a namespace', async () => {
    const folders = ['bench', 'cli', 'contracts', 'dashboard', 'emulator', 'forecast', 'ingest', 'lambdas'];
    folders.push('lib', 'local', 'orderflow', 'sim-core', 'state', 'twins');
    const sources: string[] = [];
    for (const folder of folders)
      for (const path of await readdir(join(root, folder), { recursive: true }))
        if (path.endsWith('.ts')) sources.push(join(folder, path));
    const named: string[] = [];
    for (const path of sources)
      if (/import (type )?\{[^}]*\bz\b[^}]*\} from 'zod'/.test(await readFile(join(root, path), 'utf8')))
        named.push(path);

    expect(sources.length).toBeGreaterThan(100);
    // `import { z } from 'zod'` would bring every locale of zod into the bundle (esbuild keeps the whole `z`).
    expect(named).toEqual([]);
  });

  it('compares variants of a saved snapshot without the AWS SDK or hono, which only a live twin needs', async () => {
    const variants = join(copy, 'variants.json');
    await writeFile(
      variants,
      JSON.stringify({ name: 'two lines', changes: [{ change: 'units', station: 'line', add: 1 }] }),
    );

    const run = await copiedTwin(
      ...['whatif', '--state', 'examples/demo-snapshot.json', '--variants', variants, '--replications', '2'],
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1\s+two lines\s+better/m);
    const heavy = /^(@aws-sdk|@smithy|@aws-lambda-powertools|hono|@hono)\b/;
    expect([...packagesLoaded(run.loads)].filter((name) => heavy.test(name))).toEqual([]);
  });

  it('explains every command from the bundle as the sources do, each loading its own chunk', async () => {
    const runs = await Promise.all(commands.map((c) => copiedTwin(c.name, '--help')));

    for (const [i, command] of commands.entries()) {
      const expected = await twin(command.name, '--help');
      expect(runs[i]!.code, command.name).toBe(0);
      expect(runs[i]!.stdout, command.name).toBe(expected.stdout);
      // `twin forecast` runs from its own single file (cli/forecastMain.ts), the others from their chunk.
      const own = command.name === 'forecast' ? /^forecast\.cjs$/ : new RegExp(`^${command.name}-\\w+\\.js$`);
      expect(
        fromBundle(runs[i]!.loads).map((url) => basename(url)),
        command.name,
      ).toContainEqual(expect.stringMatching(own));
    }
  });

  it('lists each command with the first sentence of its own summary', async () => {
    for (const entry of commands) {
      const command = await entry.load();

      expect(command.name).toBe(entry.name);
      expect(entry.summary).toBe(command.summary.split('. ')[0]!.replace(/\.$/, ''));
    }
  });

  it('runs the sources, not the bundle, once a source has changed, until the next build', async () => {
    const main = join(copy, 'cli/main.ts');
    const source = await readFile(main, 'utf8');
    await writeFile(main, source.replace('The order-flow digital twin:', 'The edited twin:'));

    const stale = await copiedTwin('--help');
    await buildCli();
    const rebuilt = await copiedTwin('--help');

    expect(stale.code).toBe(0);
    expect(stale.stdout).toContain('The edited twin:');
    expect(fromBundle(stale.loads)).toEqual([]);
    expect(rebuilt.stdout).toBe(stale.stdout);
    expect(fromBundle(rebuilt.loads)).toContain(`${bundleUrl()}/main.js`);
  });
});
