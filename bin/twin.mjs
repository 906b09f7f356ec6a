#!/usr/bin/env node
// Entry point of the `twin` command line: checks the Node.js version, then runs the TypeScript
// sources through tsx (no build step).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`twin: Node.js 20.19 or later is needed, this is ${process.versions.node}\n`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
