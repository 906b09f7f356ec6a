#!/usr/bin/env node
// Entry point of the `twin` command line: checks the Node.js version, then runs the command line's
// bundle (dist/cli/, built by `npm run build:cli`, which `npm install` runs) if it was built from the
// sources as they are now, and the TypeScript sources through tsx otherwise. A CommonJS file: an ES
// module entry would start Node.js's ES module loader, some 5 ms of every run, before any command.
'use strict';
const { readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const module_ = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`twin: Node.js 20.19 or later is needed, this is ${process.versions.node}\n`);
  process.exit(1);
}
// The AWS SDK warns at every start that its releases after January 2027 need Node.js 22: said once
// in the README's prerequisites instead of on every run.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};

/** The project's folder, ending with its separator. */
const root = join(__dirname, '..', '/');

/**
 * Whether dist/cli/ holds the sources as they are now: the build lists every file it read with its
 * modification time, and a file edited, touched, checked out or deleted since has another one. With
 * `output` (a file of dist/cli/), only the files that one was built from count.
 */
function bundleIsCurrent(output) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(`${root}dist/cli/inputs.json`, 'utf8'));
  } catch {
    return false;
  }
  const { inputs, outputs } = stamp;
  const paths = output === undefined ? Object.keys(inputs) : outputs?.[output];
  if (paths === undefined) return false;
  // The recorded paths use `/`, which every platform's file functions take: joined as strings, not
  // normalised (a few ms of every start).
  for (const path of paths) {
    if (statSync(root + path, { throwIfNoEntry: false })?.mtimeMs !== inputs[path]) return false;
  }
  return true;
}

/**
 * Whether this is a worker thread of the replication pool (forecast/threads/ReplicationPool.ts), which
 * serves replications: started with its marker argument, and worker_threads loaded only then.
 */
function isReplicationThread() {
  if (process.argv[2] !== '--replication-thread') return false;
  const { isMainThread, workerData } = require('node:worker_threads');
  return !isMainThread && workerData?.role === 'replications';
}

/**
 * Requires one CommonJS file of the bundle. On Node.js 20, which has no compile cache of its own, with
 * V8's code cache kept beside it: the bytecode of every function a run compiled, which spares the next
 * run compiling them again (about 15 ms of a forecast's start). V8 takes a cache only from the same
 * V8 and the same V8 options, so there is one per set of options; each is stamped with the file's size
 * and modification time, since V8 itself would take a cache of another file of the same length. A cache
 * that is missing, stale or turned down is written anew when the process exits (where the file's
 * folder can be written to), so the next run has it. With `--enable-source-maps`, plainly required.
 */
function requireBundleFile(path) {
  if (module_.enableCompileCache || process.sourceMapsEnabled) return require(path);
  const vm = require('node:vm');
  const { mtimeMs, size } = statSync(path);
  const options = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  const stamp = `${size} ${mtimeMs} ${process.version} ${options}\n`;
  // FNV-1a of the options: a short name per set of them.
  let hash = 0x811c9dc5;
  for (let i = 0; i < options.length; i++) hash = Math.imul(hash ^ options.charCodeAt(i), 0x01000193);
  const cacheFile = `${path}.${(hash >>> 0).toString(36)}.v8-cache`;
  let cachedData;
  try {
    const data = readFileSync(cacheFile);
    if (data.toString('latin1', 0, stamp.length) === stamp) cachedData = data.subarray(stamp.length);
  } catch {}
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(path, 'utf8')}\n})`,
    { filename: path, cachedData },
  );
  const loaded = { exports: {} };
  script
    .runInThisContext()
    .call(loaded.exports, loaded.exports, module_.createRequire(path), loaded, path, dirname(path));
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      const written = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(written, Buffer.concat([Buffer.from(stamp, 'latin1'), script.createCachedData()]));
        renameSync(written, cacheFile);
      } catch {
        rmSync(written, { force: true });
      }
    });
  }
  return loaded.exports;
}

async function run() {
  const replicationThread = isReplicationThread();
  const args = replicationThread ? [] : process.argv.slice(2);
  // `twin forecast` runs from its own single file (see cli/forecastMain.ts), every other command from main.
  const forecastAlone = args[0] === 'forecast';
  const bundled = bundleIsCurrent(forecastAlone ? 'forecast.cjs' : undefined);
  if (bundled) {
    // Node.js 22.1 and later keep V8's compiled code of the bundle between runs (in the system's
    // temporary folder), which takes a fifth off a forecast's start; on Node.js 20, requireBundleFile.
    module_.enableCompileCache?.();
  } else {
    const { register } = await import('tsx/esm/api');
    register();
  }
  /** Imports a module of the command line: from the bundle, or its TypeScript source. */
  const load = (bundlePath, sourcePath) =>
    import(pathToFileURL(root + (bundled ? bundlePath : sourcePath)).href);

  // The benchmarks measure the twin and the forecast as `npm start` and the forecast Lambda run them,
  // with their Node.js options, which a process takes only when it starts: a `twin bench` started
  // without them runs itself again with them (`twin bench all` starts every measurement that way).
  const { FORECAST_NODE_OPTIONS } =
    args[0] === 'bench' && args[1] !== 'all'
      ? await load('dist/cli/resources.js', 'contracts/resources.ts')
      : {};
  if (replicationThread) {
    const { serveReplications } = await load(
      'dist/cli/replicationWorker.js',
      'forecast/threads/replicationWorker.ts',
    );
    serveReplications();
  } else if (FORECAST_NODE_OPTIONS !== undefined && !process.execArgv.includes(FORECAST_NODE_OPTIONS)) {
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, [...process.execArgv, FORECAST_NODE_OPTIONS, __filename, ...args], {
      stdio: 'inherit',
    });
    // Ctrl-C reaches both processes from the terminal; a signal sent to this one alone is passed on.
    process.on('SIGINT', () => {});
    for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
    process.exitCode = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } else {
    if (bundled && forecastAlone) {
      process.exitCode = await requireBundleFile(`${root}dist/cli/forecast.cjs`).main(args);
      return;
    }
    // A reader that stops early (`twin emulate | head`) closes the pipe: the rest of the output is not
    // wanted, which is no error, so the command ends quietly instead of with a stack trace. (The
    // commands' own output, cli/stdout.ts, does the same without the stream, which `twin forecast`
    // never starts.)
    process.stdout.on('error', (error) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
    const { main } = await load('dist/cli/main.js', 'cli/main.ts');
    process.exitCode = await main(args);
  }
}

run().catch((error) => {
  // What the command line does not handle itself is a defect: its stack trace.
  process.exitCode = 1;
  console.error(error);
});
