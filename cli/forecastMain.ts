// `twin forecast` alone, the command a user or a script runs most: bin/twin.cjs runs it from a file of
// its own (dist/cli/forecast.cjs, one CommonJS file that `npm run build:cli` makes beside the command
// line's chunks), which Node.js 20 loads sooner than the same code as ES module chunks.
import { defaultIo, type Io, runAsCommandLine } from './command.ts';
import { forecastCommand } from './commands/forecast.ts';

/** Runs `twin forecast` on `argv` (the command's name first, as in `main`): its exit code. */
export function main(argv: string[], io: Io = defaultIo): Promise<number> {
  return runAsCommandLine(async () => forecastCommand, argv.slice(1), io);
}
