#!/usr/bin/env node
// Entry point of the `twin` command line: checks the Node.js version, then runs the TypeScript
// sources through tsx (no build step).
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
const { register } = await import('tsx/esm/api');
register();
const args = process.argv.slice(2);
// The benchmarks measure the twin and the forecast as `npm start` and the forecast Lambda run them,
// with their Node.js options, which a process takes only when it starts: a `twin bench` started
// without them runs itself again with them (`twin bench all` starts every measurement that way).
const { FORECAST_NODE_OPTIONS } = await import('../contracts/resources.ts');
if (args[0] === 'bench' && args[1] !== 'all' && !process.execArgv.includes(FORECAST_NODE_OPTIONS)) {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
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
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(args);
}
