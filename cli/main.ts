// The `twin` command line: dispatches to a subcommand; user errors print one line, never a stack.
import { SnapshotError } from '../contracts/index.ts';
import { ModelError } from '../sim-core/index.ts';
import { type Command, type Io, joinNegativeValues, runCommand } from './command.ts';
import { accuracyCommand } from './commands/accuracy.ts';
import { benchCommand } from './commands/bench.ts';
import { dashboardCommand } from './commands/dashboard.ts';
import { demoCommand } from './commands/demo.ts';
import { emulateCommand } from './commands/emulate.ts';
import { forecastCommand } from './commands/forecast.ts';
import { resetCommand } from './commands/reset.ts';
import { schemaCommand } from './commands/schema.ts';
import { simulateCommand } from './commands/simulate.ts';
import { startCommand } from './commands/start.ts';
import { CliError } from './errors.ts';

export const commands: readonly Command[] = [
  startCommand,
  demoCommand,
  forecastCommand,
  simulateCommand,
  schemaCommand,
  emulateCommand,
  resetCommand,
  accuracyCommand,
  dashboardCommand,
  benchCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: twin <command> [options]',
    '',
    'The order-flow digital twin: forecasts how every order in the plant will flow, and which ones a delay pushes late.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary.split('. ')[0]!.replace(/\.$/, '')}`),
    '',
    "Run 'twin <command> --help' for a command's options.",
  ].join('\n');
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
};

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    if (target) return runCommand(target, ['--help'], io);
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (command === undefined) throw new CliError(`unknown command "${name}" (see 'twin --help')`);
    return await runCommand(command, joinNegativeValues(command, rest), io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`twin: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof SnapshotError || error instanceof ModelError) {
      io.err(`twin: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
