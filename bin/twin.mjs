#!/usr/bin/env node
// Entry point of the `twin` command line: checks the Node.js version, then runs the command line's
// bundle (dist/cli/, built by `npm run build:cli`, which `npm install` runs) if it was built from the
// sources as they are now, and the TypeScript sources through tsx otherwise.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const require = module.createRequire(import.meta.url);
// node:fs through require: its ES module facade would load fs's streams, some 5 ms of every start.
const { readFileSync, statSync } = require('node:fs');

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

const rootUrl = new URL('..', import.meta.url);
const root = fileURLToPath(rootUrl);

/**
 * Whether dist/cli/ holds the sources as they are now: the build lists every file it read with its
 * modification time, and a file edited, touched, checked out or deleted since has another one.
 */
function bundleIsCurrent() {
  let inputs;
  try {
    ({ inputs } = JSON.parse(readFileSync(`${root}dist/cli/inputs.json`, 'utf8')));
  } catch {
    return false;
  }
  // The project's folder ends with its separator, and the recorded paths use `/`, which every
  // platform's file functions take: joined as strings, not normalised (a few ms of every start).
  for (const [path, mtimeMs] of Object.entries(inputs)) {
    if (statSync(root + path, { throwIfNoEntry: false })?.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

const bundled = bundleIsCurrent();
if (bundled) {
  // Node.js 22.1 and later keep V8's compiled code of the bundle between runs (in the system's
  // temporary folder), which takes a fifth off a forecast's start; Node.js 20 has no such cache.
  module.enableCompileCache?.();
} else {
  const { register } = await import('tsx/esm/api');
  register();
}
/** Imports a module of the command line: from the bundle, or its TypeScript source. */
const load = (bundlePath, sourcePath) => import(new URL(bundled ? bundlePath : sourcePath, rootUrl).href);

/**
 * Whether this is a worker thread of the replication pool (forecast/threads/ReplicationPool.ts), which
 * serves replications: started with its marker argument, and worker_threads loaded only then.
 */
async function isReplicationThread() {
  if (process.argv[2] !== '--replication-thread') return false;
  const { isMainThread, workerData } = await import('node:worker_threads');
  return !isMainThread && workerData?.role === 'replications';
}
const replicationThread = await isReplicationThread();

const args = replicationThread ? [] : process.argv.slice(2);
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
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [...process.execArgv, FORECAST_NODE_OPTIONS, fileURLToPath(import.meta.url), ...args],
    {
      stdio: 'inherit',
    },
  );
  // Ctrl-C reaches both processes from the terminal; a signal sent to this one alone is passed on.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  process.exitCode = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
} else {
  // A reader that stops early (`twin forecast --json | head`) closes the pipe: the rest of the output
  // is not wanted, which is no error, so the command ends quietly instead of with a stack trace.
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  // `twin forecast` from its own single file (see cli/forecastMain.ts), every other command from main.
  const { main } =
    bundled && args[0] === 'forecast'
      ? require('../dist/cli/forecast.cjs')
      : await load('dist/cli/main.js', 'cli/main.ts');
  process.exitCode = await main(args);
}
