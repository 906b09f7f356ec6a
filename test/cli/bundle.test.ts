// The command line as `npm install` leaves it: `npm run build:cli` bundles it, bin/twin.cjs runs the
// bundle while it matches the sources and the sources otherwise, and each command's modules load
// only when it runs. Built in a copy of the project, so that the bundle the other tests run stays as it is.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import module from 'node:module';
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

/** Runs `node bin/twin.cjs …args` in the copy, recording the modules it loads. */
const copiedTwin = (...args: string[]) => runCopiedTwin(args, { record: true });

/** Runs `node bin/twin.cjs …args` in the copy as a user does (no module recorder: `loads` is empty). */
const plainTwin = (...args: string[]) => runCopiedTwin(args, { record: false });

async function runCopiedTwin(args: string[], { record }: { record: boolean }): Promise<Run> {
  const loads = `${loadsFile}-${Math.random().toString(36).slice(2)}`;
  await writeFile(loads, '');
  const env = { ...process.env, TWIN_TEST_LOADS: loads };
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) =>
    execFile(
      process.execPath,
      [...(record ? ['--import', recordLoads] : []), join(copy, 'bin/twin.cjs'), ...args],
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
  // And what the hook does not see: the files compiled as scripts (twin forecast's file, on Node.js 20
  // with its code cache) and, at exit, the CommonJS files required (the packages' CommonJS builds).
  recordLoads = join(copy, 'record-loads.mjs');
  await writeFile(
    recordLoads,
    "import { appendFileSync } from 'node:fs';\n" +
      "import { createRequire, register } from 'node:module';\n" +
      "import { pathToFileURL } from 'node:url';\n" +
      "import vm from 'node:vm';\n" +
      `register(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
      'const record = (paths) => appendFileSync(process.env.TWIN_TEST_LOADS, paths.map((path) => pathToFileURL(path).href + "\\n").join(""));\n' +
      'const { Script } = vm;\n' +
      'vm.Script = class extends Script {\n' +
      '  constructor(code, options) { super(code, options); if (options?.filename) record([options.filename]); }\n' +
      '};\n' +
      'const { cache } = createRequire(import.meta.url);\n' +
      "process.on('exit', () => record(Object.keys(cache)));\n",
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

  it('runs `twin forecast` from its own file while only sources that it was not built from have changed', async () => {
    const main = join(copy, 'cli/main.ts');
    const ownSource = join(copy, 'cli/commands/forecast.ts');
    const later = new Date(Date.now() + 60_000);
    try {
      await utimes(main, later, later);
      const forecast = await copiedTwin('forecast', '--state', 'examples/demo-snapshot.json');
      const help = await copiedTwin('--help');
      await utimes(ownSource, later, later);
      const stale = await copiedTwin('forecast', '--state', 'examples/demo-snapshot.json');

      expect(forecast.code).toBe(0);
      expect(fromBundle(forecast.loads).map((url) => basename(url))).toEqual(['forecast.cjs']);
      expect(forecast.loads.filter((url) => url.endsWith('.ts'))).toEqual([]);
      expect(fromBundle(help.loads)).toEqual([]);
      expect(stale.code).toBe(0);
      expect(fromBundle(stale.loads)).toEqual([]);
      expect(stale.loads).toContain(pathToFileURL(ownSource).href);
      expect(stale.stdout).toBe(forecast.stdout);
    } finally {
      await buildCli();
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

// Node.js 22.1 and later keep compiled code themselves (module.enableCompileCache, which bin/twin.cjs
// turns on); on Node.js 20, bin/twin.cjs keeps V8's code cache of forecast.cjs beside it.
describe.skipIf('enableCompileCache' in module)('the code cache of `twin forecast` on Node.js 20', () => {
  const cli = () => join(copy, 'dist/cli');
  /** The code caches beside the bundle, with their modification times and contents. */
  const caches = async () => {
    const found = new Map<string, { mtimeMs: number; bytes: Buffer }>();
    for (const name of await readdir(cli()))
      if (name.startsWith('forecast.cjs.') && name.endsWith('.v8-cache'))
        found.set(name, {
          mtimeMs: (await stat(join(cli(), name))).mtimeMs,
          bytes: await readFile(join(cli(), name)),
        });
    return found;
  };
  const forecastArgs = ['forecast', '--state', 'examples/demo-snapshot.json', '--json'];

  it('is made by the build and taken as it is by the forecasts that follow', async () => {
    await buildCli();
    const built = await caches();

    const first = await plainTwin(...forecastArgs);
    const second = await plainTwin(...forecastArgs);

    expect(built.size).toBe(1);
    expect(await caches()).toEqual(built);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe((await twin(...forecastArgs)).stdout);
    expect(second.stdout).toBe(first.stdout);
  });

  it('is made anew when forecast.cjs has changed since, or when V8 turns it down', async () => {
    await plainTwin(...forecastArgs);
    const [name] = [...(await caches()).keys()];
    const cache = join(cli(), name!);
    const stamp = (bytes: Buffer) => bytes.subarray(0, bytes.indexOf(10)).toString('latin1');
    const expected = (await twin(...forecastArgs)).stdout;

    // forecast.cjs written again: another modification time, in the stamp of the cache made after it.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(cli(), 'forecast.cjs'), later, later);
    const afterChange = await plainTwin(...forecastArgs);
    const remade = await readFile(cache);
    // A cache that V8 turns down (damaged here): the forecast as ever, and a cache that V8 takes.
    await writeFile(
      cache,
      Buffer.concat([remade.subarray(0, remade.indexOf(10) + 1), Buffer.alloc(4096, 7)]),
    );
    const afterDamage = await plainTwin(...forecastArgs);
    const mended = await readFile(cache);

    expect(afterChange.stdout).toBe(expected);
    expect(stamp(remade)).toContain(` ${(await stat(join(cli(), 'forecast.cjs'))).mtimeMs} `);
    expect(afterDamage.stdout).toBe(expected);
    expect(stamp(mended)).toBe(stamp(remade));
    expect(mended.length).toBeGreaterThan(100_000);
    expect(mended.subarray(remade.indexOf(10) + 1, remade.indexOf(10) + 4097)).not.toEqual(
      Buffer.alloc(4096, 7),
    );
  });
});
