// What every `twin bench` subcommand is made of: its options and run for a single measurement, and
// for `twin bench all` a suite that measures in fresh processes and the tables it reports.
import { quantileOf } from '../../../sim-core/quantile.ts';
import { type Io, intOption, type OptionSpec } from '../../command.ts';
import { CliError } from '../../errors.ts';

/** Option values as `runCommand` gives them, plus `--json`, which every benchmark takes. */
export type BenchValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean : string | undefined;
} & { json: boolean };

export interface Benchmark<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The subcommand: `twin bench <name>`. */
  name: string;
  /** Lines for `twin bench --help`: the usage, and what it measures. */
  usage: string[];
  /** Its options (`--json` is common to all). */
  options: O;
  run(values: BenchValues<O>, io: Io): Promise<number> | number;
}

/** Defines a benchmark with its options typed. */
export function defineBenchmark<O extends Record<string, OptionSpec>>(benchmark: Benchmark<O>): Benchmark {
  return benchmark as unknown as Benchmark;
}

/** One table of results: a title, what it measures in a line, and its rows (the header first). */
export interface ResultTable<R> {
  title: string;
  measures: string;
  rows(result: R): string[][];
}

/** What `twin bench all` needs to run a benchmark in fresh processes. */
export interface SuiteContext {
  /** Runs `twin <args>` in a fresh process of the esbuild bundle (as Lambda runs code); its JSON output. */
  bundle(args: string[]): Promise<unknown>;
  /** The same from the TypeScript sources (for what serves files from the sources, such as the dashboard). */
  sources(args: string[]): Promise<unknown>;
  /** Runs `node <args>` in a fresh process, as a user would; its wall time from start to exit, ms. */
  wallMs(args: string[]): Promise<number>;
  /** A python3 that can import simpy, if there is one. */
  python: string | undefined;
  /** Skip the largest sizes. */
  quick: boolean;
  progress(text: string): void;
}

/** A benchmark as `twin bench all` runs it: how it measures, and the tables of its result. */
export interface Suite<R> {
  /** Its key in the JSON of `twin bench all --json`. */
  key: string;
  measure(context: SuiteContext): Promise<R>;
  tables: ResultTable<R>[];
}

/** Progress on stderr: one line rewritten in a terminal, a line each otherwise. */
export const progressTo = (io: Io) => (text: string) =>
  io.err(io.interactive ? `\r\x1b[K${text}` : `${text}\n`);

/** Runs a long benchmark with its progress on stderr, cleared from a terminal once it is done. */
export async function withProgress<T>(io: Io, work: (progress: (text: string) => void) => Promise<T>) {
  try {
    return await work(progressTo(io));
  } finally {
    if (io.interactive) io.err('\r\x1b[K');
  }
}

/** A count for a table cell: `10,000`; a missing value (NaN, undefined): `-`. */
export const count = (n: number | undefined | null) =>
  n === undefined || n === null || !Number.isFinite(n) ? '-' : n.toLocaleString('en');

/** The options `--warmup N` and `--runs K` of a benchmark that measures one run in a fresh process, and warm. */
export const warmOptions = {
  warmup: {
    type: 'string',
    value: 'N',
    description: 'N more runs in the same process before the warm measurement (adds freshMs, the first run)',
    default: '0',
  },
  runs: {
    type: 'string',
    value: 'K',
    description: 'with --warmup: the warm measurement is the median of K runs after those (default 1)',
    default: '1',
  },
} as const satisfies Record<string, OptionSpec>;

/**
 * Runs `once` in this process: the first run (fresh), then `--warmup` more, then `--runs` measured
 * runs, whose median wall time (nearest rank) is `wallMs` (the other fields are the last run's).
 * Without warm-up, the first run alone (and `--runs` is refused: it names warm runs).
 */
export function freshAndWarm<R extends { wallMs: number }>(
  once: () => R,
  values: { warmup?: string | undefined; runs?: string | undefined },
): R & { freshMs?: number } {
  const warmups = intOption('warmup', values.warmup, 0) ?? 0;
  const runs = intOption('runs', values.runs, 1) ?? 1;
  if (warmups === 0 && runs !== 1) {
    throw new CliError(`--runs ${runs} measures warm runs: give --warmup N too (N >= 1 runs before them)`);
  }
  const first = once();
  if (warmups === 0) return first;
  for (let i = 0; i < warmups; i++) once();
  const walls: number[] = [];
  let last = first;
  for (let i = 0; i < runs; i++) {
    last = once();
    walls.push(last.wallMs);
  }
  return { ...last, wallMs: quantileOf(walls, 0.5), freshMs: first.wallMs };
}
