// `twin bench <benchmark>`: dispatches to one module per benchmark (cli/commands/bench/), and gathers
// their options into one declaration so that `twin bench --help` shows them all.
import { FORECAST_NODE_OPTIONS } from '../../contracts/resources.ts';
import { EmulatorError } from '../../local/emulators/index.ts';
import { defineCommand, type OptionSpec } from '../command.ts';
import { CliError } from '../errors.ts';
import { accuracyBenchmark } from './bench/accuracy.ts';
import { allBenchmark } from './bench/all.ts';
import type { Benchmark } from './bench/benchmark.ts';
import { casymdaBenchmark } from './bench/casymda.ts';
import { faultsBenchmark } from './bench/faults.ts';
import { forecastBenchmark } from './bench/forecast.ts';
import { forecastHandlerBenchmark } from './bench/forecastHandler.ts';
import { forecastProcessBenchmark } from './bench/forecastProcess.ts';
import { ingestBenchmark } from './bench/ingest.ts';
import { lambdaColdBenchmark } from './bench/lambdaCold.ts';
import { latencyBenchmark } from './bench/latency.ts';
import { mm1Benchmark } from './bench/mm1.ts';
import { plantsBenchmark } from './bench/plants.ts';
import { whatIfBenchmark } from './bench/whatif.ts';

/** The subcommands of `twin bench`, in the order help lists them. */
export const BENCHMARKS: readonly Benchmark[] = [
  casymdaBenchmark,
  mm1Benchmark,
  forecastBenchmark,
  forecastProcessBenchmark,
  ingestBenchmark,
  forecastHandlerBenchmark,
  lambdaColdBenchmark,
  latencyBenchmark,
  plantsBenchmark,
  whatIfBenchmark,
  accuracyBenchmark,
  faultsBenchmark,
  allBenchmark,
];

const names = BENCHMARKS.map((b) => b.name);
const namesListed = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;

/**
 * Every benchmark's options in one declaration, each described by the benchmarks that take it.
 * Defaults are left out here and applied per benchmark, so that an option given can be told from one
 * defaulted, and refused by a benchmark that does not take it.
 */
function gatheredOptions(): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {};
  const uses: Record<string, string[]> = {};
  for (const benchmark of BENCHMARKS) {
    for (const [name, o] of Object.entries(benchmark.options)) {
      options[name] ??= { type: o.type, ...(o.value !== undefined && { value: o.value }), description: '' };
      const byDefault = o.default === undefined ? '' : ` (default ${o.default})`;
      uses[name] = [...(uses[name] ?? []), `${benchmark.name}: ${o.description}${byDefault}`];
    }
  }
  for (const [name, described] of Object.entries(uses)) options[name]!.description = described.join('; ');
  return { ...options, json: { type: 'boolean', description: 'print JSON' } };
}

export const benchCommand = defineCommand({
  name: 'bench',
  positionals: `<${names.join('|')}>`,
  summary:
    'Measure speed and memory: the kernel beside SimPy, forecasts, the ingest and the embedded twin beside DynamoDB Local.',
  details: [
    ...BENCHMARKS.flatMap((b) => b.usage),
    '',
    `Every measurement runs with the Node.js options of npm start and the forecast Lambda (${FORECAST_NODE_OPTIONS}):`,
    'started without them, twin bench runs itself again with them.',
  ].join('\n'),
  options: gatheredOptions(),
  async run(values, io, positionals) {
    const [what, ...rest] = positionals;
    const benchmark = BENCHMARKS.find((b) => b.name === what);
    if (benchmark === undefined) {
      const unknown = what === undefined ? '' : `no benchmark "${what}"; `;
      throw new CliError(
        `twin bench: ${unknown}say what to measure: ${namesListed} (see 'twin bench --help')`,
      );
    }
    if (rest.length > 0) throw new CliError(`twin bench ${what}: unexpected argument "${rest[0]}"`);
    const given = values as Record<string, string | boolean | undefined>;
    for (const [name, value] of Object.entries(given)) {
      if (name !== 'json' && value !== undefined && value !== false && !(name in benchmark.options))
        throw new CliError(
          `twin bench ${what}: --${name} is not one of its options (see 'twin bench --help')`,
        );
    }
    const own: Record<string, unknown> = { json: given.json };
    for (const [name, o] of Object.entries(benchmark.options)) own[name] = given[name] ?? o.default;
    try {
      return await benchmark.run(own as never, io);
    } catch (error) {
      // A benchmark that needs the emulators says in a line why they did not start (no Java, say).
      if (error instanceof EmulatorError) throw new CliError(error.message);
      throw error;
    }
  },
});
