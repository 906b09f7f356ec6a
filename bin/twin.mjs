#!/usr/bin/env node
// Entry point of the `twin` command line: checks the Node.js version, then runs the TypeScript
// sources through tsx (no build step).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`twin: Node.js 20.19 or later is needed, this is ${process.versions.node}\n`);
  process.exit(1);
}
// The AWS SDK warns at every start that its releases after January 2027 need Node.js 22: said once
// in the README instead of on every run.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
