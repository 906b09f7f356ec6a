// `twin simulate`: runs a block model from empty and reports its KPIs.
import {
  DEFAULT_MAX_EVENTS,
  MAX_MODEL_VALUE,
  MAX_REPLICATIONS,
  ModelError,
  type RunResult,
  runModel,
  SimulationLimitError,
} from '../../sim-core/index.ts';
import { defineCommand, type Io, jsonText, seedOption, shownLimit } from '../command.ts';
import { CliError } from '../errors.ts';
import { loadModel } from '../files.ts';
import { table } from '../format.ts';
import { rangedNumberOption } from '../optionChecks.ts';

/** Ten minutes: a run of many replications may take minutes, and shows its progress meanwhile. */
const DEFAULT_MAX_SECONDS = 600;
const MAX_EVENTS = 1e12;
const MAX_SECONDS = 86_400;

export const simulateCommand = defineCommand({
  name: 'simulate',
  summary:
    'Run a model from empty and print its KPIs: throughput, mean and p95 time in each block, utilisation of each resource.',
  details:
    'A model in which time can stand still (a loop with no delay that always takes time) is refused when it is loaded;\n' +
    'a run that goes beyond --max-events in one replication or --max-seconds in all stops with an error.\n' +
    'Example: twin simulate --model sim-core/models/casymda-benchmark.json --replications 5',
  options: {
    model: { type: 'string', value: 'FILE', description: 'model file (JSON)', required: true },
    until: {
      type: 'string',
      value: 'T',
      description: "simulated time to stop at, in the model's time unit: > 0, at most 1e15",
    },
    replications: {
      type: 'string',
      value: 'N',
      description: `independent runs, each with a random stream of its own derived from the seed: 1 to ${shownLimit(MAX_REPLICATIONS)}`,
      default: '1',
    },
    seed: { type: 'string', value: 'S', description: 'seed of the run: any integer', default: '1' },
    'max-events': {
      type: 'string',
      value: 'N',
      description: `the most events one replication may process: 1 to ${shownLimit(MAX_EVENTS)}`,
      default: String(DEFAULT_MAX_EVENTS).replace(/\B(?=(\d{3})+$)/g, '_'),
    },
    'max-seconds': {
      type: 'string',
      value: 'S',
      description: `the most wall time the whole run may take: > 0, at most ${shownLimit(MAX_SECONDS)}`,
      default: String(DEFAULT_MAX_SECONDS),
    },
    'no-percentiles': {
      type: 'boolean',
      description:
        'keep no time of each entity: mean times only, no p95, and no memory per entity (runs of millions of entities)',
    },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  async run(values, io) {
    const model = await loadModel(values.model);
    const replications = rangedNumberOption('replications', values.replications, {
      min: 1,
      max: MAX_REPLICATIONS,
      whole: true,
    })!;
    const seed = seedOption('seed', values.seed!);
    const until = rangedNumberOption('until', values.until, { above: 0, max: MAX_MODEL_VALUE });
    const maxEvents = rangedNumberOption('max-events', values['max-events'], {
      min: 1,
      max: MAX_EVENTS,
      whole: true,
    })!;
    const maxSeconds = rangedNumberOption('max-seconds', values['max-seconds'], {
      above: 0,
      max: MAX_SECONDS,
    })!;
    const started = performance.now();
    const result = limited(values.model!, io, () =>
      runModel(model, {
        ...(until !== undefined && { until }),
        replications,
        seed,
        limits: { maxEvents, maxWallMs: maxSeconds * 1000 },
        ...(values['no-percentiles'] && { percentiles: false }),
        ...(io.interactive && {
          onProgress: (replication: number, now: number, events: number) =>
            io.err(
              `\rreplication ${replication}/${replications}: simulated time ${Math.round(now)} ${model.timeUnit}, ${events.toLocaleString('en')} events`,
            ),
        }),
        onReplication: (done, total) => {
          const elapsed = ((performance.now() - started) / 1000).toFixed(1);
          const line = `replication ${done}/${total} done (${elapsed} s)`;
          if (io.interactive) io.err(`\r\x1b[K${line}${done === total ? '\n' : ''}`);
          else if (total > 1) io.err(`${line}\n`);
        },
      }),
    );
    if (values.json) {
      io.out(jsonText({ model: model.name, timeUnit: model.timeUnit, ...result }, io));
      return 0;
    }
    const unit = model.timeUnit;
    const n = result.replications.length;
    const mean = (f: (r: (typeof result.replications)[number]) => number) =>
      result.replications.reduce((s, r) => s + f(r), 0) / n;
    const fmt = (x: number) => (Number.isNaN(x) ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(2));
    io.out(
      `Model ${model.name}: ${n} replication(s), seed ${seed}${until !== undefined ? `, until ${until} ${unit}` : ''}`,
    );
    io.out(
      `end time ${fmt(mean((r) => r.endTime))} ${unit} · throughput ${fmt(mean((r) => r.throughput))} entities · ${fmt(mean((r) => r.events))} events`,
    );
    io.out('');
    const first = result.replications[0]!;
    const rows = [['block', 'type', 'entered', 'left', `mean time (${unit})`, `p95 time (${unit})`]];
    first.blocks.forEach((b, i) => {
      rows.push([
        b.id,
        b.type,
        fmt(mean((r) => r.blocks[i]!.entered)),
        fmt(mean((r) => r.blocks[i]!.left)),
        fmt(mean((r) => r.blocks[i]!.meanTime)),
        fmt(mean((r) => r.blocks[i]!.p95Time)),
      ]);
    });
    io.out(table(rows));
    if (first.resources.length > 0) {
      io.out('');
      const resources = [['resource', 'capacity', 'utilisation']];
      first.resources.forEach((res, i) => {
        resources.push([
          res.id,
          String(res.capacity),
          `${(100 * mean((r) => r.resources[i]!.utilisation)).toFixed(1)} %`,
        ]);
      });
      io.out(table(resources));
    }
    return 0;
  },
});

/**
 * Runs `simulate`; a model error or a limit reached (the user's to raise, or the model's to fix) is
 * one line that names the file, exit code 2.
 */
function limited(file: string, io: Io, simulate: () => RunResult): RunResult {
  try {
    return simulate();
  } catch (error) {
    // Errors of the model with the run's parameters (a queue rule it lacks) name the file too.
    if (error instanceof ModelError) throw new CliError(`${file}: ${error.message}`, 2, { cause: error });
    if (!(error instanceof SimulationLimitError)) throw error;
    // The error line replaces a progress line drawn in place.
    if (io.interactive) io.err('\r\x1b[K');
    const raise = error.bound === 'events' ? '--max-events' : '--max-seconds';
    throw new CliError(`${file}: ${error.message} (raise ${raise} if the run is meant to be that long)`, 2, {
      cause: error,
    });
  }
}
