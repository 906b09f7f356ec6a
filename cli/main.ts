// The `twin` command line: dispatches to a subcommand; user errors print one line, never a stack.
// Each command's module is imported only when that command runs, so that `twin --help` and the
// light commands do not pay for the AWS SDK, the dashboard or the benchmarks.
import { type Command, defaultIo, type Io, runAsCommandLine, runCommand } from './command.ts';
import { CliError } from './errors.ts';

/** A command as `twin --help` lists it; its module is loaded when it runs or explains itself. */
export interface CommandEntry {
  name: string;
  /** The first sentence of the command's summary, as `twin --help` lists it. */
  summary: string;
  load: () => Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'start',
    summary:
      'Run the twin: local Kinesis and DynamoDB, the ingest and forecast pipeline, the dashboard and the plant emulator',
    load: async () => (await import('./commands/start.ts')).startCommand,
  },
  {
    name: 'demo',
    summary:
      "Run the demo: the seed article's four orders, forecast at three moments, so the cascade of a late supplier can be watched",
    load: async () => (await import('./commands/demo.ts')).demoCommand,
  },
  {
    name: 'forecast',
    summary: 'Forecast every active order of a snapshot ({ "asOf": <epoch ms>, "orders": [order states] })',
    load: async () => (await import('./commands/forecast.ts')).forecastCommand,
  },
  {
    name: 'whatif',
    summary:
      "Compare a planner's variants (expedite material, a second shift, a rush order, another queue rule…) with the live plan, on the same random futures, ranked",
    load: async () => (await import('./commands/whatif.ts')).whatifCommand,
  },
  {
    name: 'recommend',
    summary:
      "Propose what to do about the late orders of the live plan, and say which of the twin's own options do better, best first",
    load: async () => (await import('./commands/recommend.ts')).recommendCommand,
  },
  {
    name: 'scenarios',
    summary:
      "Compare a twin's scenarios (a warehouse with one more picker, a peak day…) on common random numbers and write an HTML report",
    load: async () => (await import('./commands/scenarios.ts')).scenariosCommand,
  },
  {
    name: 'snapshot',
    summary:
      'Save the live state of a twin (active orders, stations, planned maintenance: what the forecast reads) as a snapshot file',
    load: async () => (await import('./commands/snapshot.ts')).snapshotCommand,
  },
  {
    name: 'simulate',
    summary:
      'Run a model from empty and print its KPIs: throughput, mean and p95 time in each block, utilisation of each resource',
    load: async () => (await import('./commands/simulate.ts')).simulateCommand,
  },
  {
    name: 'schema',
    summary:
      'Print the JSON Schema of the order and station events (one event per Kinesis record, partition key orderId, or the station), with "model" of a plant model file, with "variant" of a what-if variants file',
    load: async () => (await import('./commands/schema.ts')).schemaCommand,
  },
  {
    name: 'emulate',
    summary:
      'Run the plant emulator: its orders flow in scaled real time, and every event is published to Kinesis',
    load: async () => (await import('./commands/emulate.ts')).emulateCommand,
  },
  {
    name: 'reset',
    summary: 'Empty the order-state and forecasts tables, for a fresh run (asks first unless --yes)',
    load: async () => (await import('./commands/reset.ts')).resetCommand,
  },
  {
    name: 'accuracy',
    summary:
      'How good the forecasts were: each finished order, and each step, beside what the forecasts said of it beforehand',
    load: async () => (await import('./commands/accuracy.ts')).accuracyCommand,
  },
  {
    name: 'calibrate',
    summary:
      "Re-estimate the model's durations and supplier slip from what really happened, beside the model's values, and what applying them would change",
    load: async () => (await import('./commands/calibrate.ts')).calibrateCommand,
  },
  {
    name: 'dashboard',
    summary:
      'Serve the forecast dashboard: the Gantt of every active order, refreshed as new forecasts arrive',
    load: async () => (await import('./commands/dashboard.ts')).dashboardCommand,
  },
  {
    name: 'play',
    summary:
      'Run a product-delivery model in real time with a page of its own: a map of centers and distributors, the KPIs live, a slider per center rate',
    load: async () => (await import('./commands/play.ts')).playCommand,
  },
  {
    name: 'cost',
    summary:
      "Print the twin's cost per month on AWS on paper, line by line, for a number of plants: from the stack's own settings, list prices and the forecast's measured duration",
    load: async () => (await import('./commands/cost.ts')).costCommand,
  },
  {
    name: 'bench',
    summary:
      'Measure speed and memory: the kernel beside SimPy, forecasts, the ingest and the embedded twin beside DynamoDB Local',
    load: async () => (await import('./commands/bench.ts')).benchCommand,
  },
];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: twin <command> [options]',
    '',
    'The order-flow digital twin: forecasts how every order in the plant will flow, and which ones a delay pushes late.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'twin <command> --help' for a command's options.",
  ].join('\n');
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    if (target) return runCommand(await target.load(), ['--help'], io);
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  return runAsCommandLine(
    async () => {
      if (entry === undefined) throw new CliError(`unknown command "${name}" (see 'twin --help')`);
      return entry.load();
    },
    rest,
    io,
  );
}
