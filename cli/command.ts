// A small command framework on node:util's parseArgs: every command declares its options once,
// and gets `--help`, strict option checking and clear usage errors from that declaration.
import { parseArgs } from 'node:util';
// The error classes from their own modules: the packages' indexes would load zod and the kernel.
import { SnapshotError } from '../contracts/errors.ts';
import { ModelError } from '../sim-core/kernel/errors.ts';
import { CliError } from './errors.ts';
import { isTerminal, writeOut } from './stdout.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. FILE. */
  value?: string;
  description: string;
  default?: string | boolean;
  required?: boolean;
  /** A string option that may be given more than once (its value is then the list, in order). */
  multiple?: boolean;
}

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress lines are redrawn in place only there). */
  interactive: boolean;
  /** Whether stdout is a terminal: JSON is indented for a reader there, compact for a program. */
  outToTerminal?: boolean;
}

/** The process's standard output (cli/stdout.ts) and standard error. */
export const defaultIo: Io = {
  out: (text) => writeOut(`${text}\n`),
  err: (text) => process.stderr.write(text),
  get interactive() {
    return isTerminal(2);
  },
  get outToTerminal() {
    return isTerminal(1);
  },
};

/**
 * Runs the command that `load` gives on `argv` as the command line does: its exit code; a user's
 * mistake (a CliError, an invalid snapshot or model) is one line on stderr and exit code 2 (or the
 * CliError's), never a stack trace.
 */
export async function runAsCommandLine(
  load: () => Promise<Command>,
  argv: string[],
  io: Io = defaultIo,
): Promise<number> {
  try {
    const command = await load();
    return await runCommand(command, joinNegativeValues(command, argv), io);
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

/** A command's JSON result: indented on a terminal, one compact line when piped or redirected. */
export function jsonText(value: unknown, io: Io): string {
  return JSON.stringify(value, null, io.outToTerminal ? 2 : undefined);
}

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string;
  summary: string;
  /** Further lines of help: what it does, examples. */
  details?: string;
  options: O;
  run(
    values: {
      [K in keyof O]: O[K]['type'] extends 'boolean'
        ? boolean
        : O[K]['multiple'] extends true
          ? string[]
          : string | undefined;
    },
    io: Io,
    positionals: string[],
  ): Promise<number> | number;
  /** Whether positional arguments are accepted (sub-subcommands such as `bench casymda`). */
  positionals?: string;
}

/** Defines a command with its options typed. */
export function defineCommand<O extends Record<string, OptionSpec>>(command: Command<O>): Command {
  return command as unknown as Command;
}

export function helpText(command: Command): string {
  const lines = [
    `Usage: twin ${command.name}${command.positionals ? ` ${command.positionals}` : ''} [options]`,
    '',
    command.summary,
  ];
  if (command.details) lines.push('', command.details);
  lines.push('', 'Options:');
  const entries = Object.entries(command.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}${o.multiple ? ' ...' : ''}`;
    const extra =
      o.default !== undefined && o.type === 'string'
        ? ` (default: ${o.default})`
        : o.required
          ? ' (required)'
          : '';
    return [flag, `${o.description}${extra}`] as const;
  });
  entries.push(['-h, --help', 'show this help']);
  const width = Math.max(...entries.map(([f]) => f.length)) + 2;
  for (const [flag, text] of entries) lines.push(`  ${flag.padEnd(width)}${text}`);
  return lines.join('\n');
}

/** Parses `argv` for `command` and runs it; usage errors become CliError. */
export async function runCommand(command: Command, argv: string[], io: Io): Promise<number> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(command.options))
    options[name] = {
      type: o.type,
      ...(o.short && { short: o.short }),
      ...(o.multiple && { multiple: true }),
    };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: command.positionals !== undefined,
    });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
    throw new CliError(`twin ${command.name}: ${reason} (see 'twin ${command.name} --help')`);
  }
  if (parsed.values.help) {
    io.out(helpText(command));
    return 0;
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(command.options)) {
    const v = parsed.values[name];
    if (v === undefined && o.required) {
      throw new CliError(`twin ${command.name}: --${name} is required (see 'twin ${command.name} --help')`);
    }
    values[name] = v ?? o.default ?? (o.type === 'boolean' ? false : o.multiple ? [] : undefined);
  }
  return command.run(values as never, io, parsed.positionals);
}

/** Parses a whole number option; names the option when it is not one. */
export function intOption(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`--${name} must be a whole number >= ${min}, got "${value}"`);
  return n;
}

/**
 * Parses a seed option: any integer, however large, in decimal digits (`_` allowed between them)
 * or with an exponent (`1e30`). Read as a bigint, so that no digit of a long seed is lost.
 */
export function seedOption(name: string, value: string): bigint {
  const match = /^([+-]?\d+)(?:e\+?(\d{1,4}))?$/i.exec(value.replaceAll('_', ''));
  if (match === null) throw new CliError(`--${name} must be an integer (such as 42 or 1e30), got "${value}"`);
  return BigInt(match[1]!) * 10n ** BigInt(match[2] ?? 0);
}

/** Parses a number option; names the option when it is not one. */
export function numberOption(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isFinite(n) || n < min)
    throw new CliError(`--${name} must be a number >= ${min}, got "${value}"`);
  return n;
}

/**
 * `--port -1`: node's parseArgs takes a value that starts with a dash for a missing one ("argument is
 * ambiguous"). A negative number is never an option (short options are letters), so it is joined to
 * the string option before it (`--port=-1`), and that option's own check says what is allowed.
 */
export function joinNegativeValues(command: Command, argv: readonly string[]): string[] {
  const takesValue = (arg: string) =>
    Object.entries(command.options).some(
      ([name, o]) => o.type === 'string' && (arg === `--${name}` || (o.short && arg === `-${o.short}`)),
    );
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--') {
      joined.push(...argv.slice(i));
      break;
    }
    if (next !== undefined && /^-\.?\d/.test(next) && takesValue(arg)) {
      joined.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** A limit as help texts and errors show it: 100,000 or 1e15. */
export function shownLimit(n: number): string {
  if (n >= 1e9) return n.toExponential().replace('e+', 'e');
  // Grouped as toLocaleString('en') groups them, by hand: commands show limits in their help text,
  // made when they load, and the first Intl call of a process loads the locale data (some 15 ms).
  const [whole, fraction] = String(n).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}
