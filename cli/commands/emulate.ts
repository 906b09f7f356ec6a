// `twin emulate`: a live plant's events, published to Kinesis (or printed), so the twin can be watched without a plant.

import { MAX_EMULATED_PLANTS } from '../../contracts/plants.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { emulate } from '../../emulator/emulate.ts';
import { KinesisPublisher, PrintingPublisher, type Publisher } from '../../emulator/publisher.ts';
import {
  checkScenario,
  defaultScenario,
  SCENARIOS,
  ScenarioError,
  type ScenarioName,
} from '../../emulator/scenarios.ts';
import { createKinesisClient } from '../../local/clients.ts';
import { defineCommand, seedOption } from '../command.ts';
import { isConnectionError } from '../connectionError.ts';
import { endpointFromEnv, endpointOption } from '../endpointOption.ts';
import { CliError } from '../errors.ts';
import { loadPlantModel } from '../files.ts';
import { dateTime } from '../format.ts';
import {
  awsNameOption,
  durationOption,
  MAX_DURATION,
  MIN_SPEED,
  outputFileOption,
  plantsOption,
  rangedNumberOption,
} from '../optionChecks.ts';

/** Plant time per wall-clock time when no --speed is given (and no --dry-run): a plant minute a second. */
export const DEFAULT_SPEED = 60;

/** The load scenario's highest event rate: far above what any stream here takes, far below a hang. */
const MAX_RATE = 100_000;

export const emulateCommand = defineCommand({
  name: 'emulate',
  summary:
    'Run the plant emulator: its orders flow in scaled real time, and every event is published to Kinesis.',
  details: [
    'The plant is a model file (--model; default the demo plant): its stations, products and routings, with',
    "the emulator's own randomness on top. Scenarios: demo (the seed article's four orders: order 2's supplier",
    'slips; the demo plant only), steady (random orders of every product, due dates and supplier slips, for',
    'hours of plant time), load (a fixed event rate, for stress tests), breakdowns (steady, with units that fail',
    'and are repaired, StationDown and StationUp, and a maintenance announced ahead with MaintenancePlanned).',
    'Example: twin emulate --model examples/models/flow-shop.json --scenario steady --endpoint http://localhost:4567',
    'Ctrl-C stops after sending what was produced.',
  ].join('\n'),
  options: {
    model: {
      type: 'string',
      value: 'FILE',
      description: 'the plant model file (default: the demo plant, orderflow/models/order-flow.json)',
    },
    scenario: {
      type: 'string',
      value: 'S',
      description: `one of ${SCENARIOS.join(', ')} (default: demo on the demo plant, else steady)`,
    },
    speed: {
      type: 'string',
      value: 'X',
      description: `plant time per wall-clock time, at least ${MIN_SPEED} (60 = a minute per second), or max (default: ${DEFAULT_SPEED}; max with --dry-run)`,
    },
    seed: { type: 'string', value: 'N', description: 'seed of the scenario: any integer', default: '1' },
    rate: {
      type: 'string',
      value: 'R',
      description: `load: events per second, 1 to ${MAX_RATE}`,
      default: '100',
    },
    duration: {
      type: 'string',
      value: 'D',
      description: `how long orders keep arriving, in plant time (90s, 45m, 8h; at most ${MAX_DURATION})`,
      default: '8h',
    },
    plants: {
      type: 'string',
      value: 'N',
      description: `plants side by side, each on its own seed, events with plantId plant-01 … (1 to ${MAX_EMULATED_PLANTS}; load: --rate is all of them together)`,
      default: '1',
    },
    endpoint: {
      type: 'string',
      value: 'URL',
      description: 'Kinesis endpoint, an http(s) URL (default: AWS_ENDPOINT_URL, or AWS itself)',
    },
    stream: { type: 'string', value: 'NAME', description: 'stream name', default: resourceNames().stream },
    truth: {
      type: 'string',
      value: 'FILE',
      description: 'write what really happened to each order, one JSON line per step, to this file',
    },
    'dry-run': { type: 'boolean', description: 'print the events as JSON lines instead of publishing them' },
  },
  async run(values, io) {
    // Everything is checked before anything starts: a mistake is one line, and nothing runs.
    if (values.scenario !== undefined && !SCENARIOS.includes(values.scenario as ScenarioName))
      throw new CliError(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${values.scenario}"`);
    const model = await loadPlantModel(values.model);
    const name = (values.scenario as ScenarioName | undefined) ?? defaultScenario(model);
    try {
      checkScenario(name, model);
    } catch (error) {
      if (error instanceof ScenarioError) throw new CliError(error.message);
      throw error;
    }
    // A dry run prints the events for reading or piping: at once, unless a speed is asked for.
    const speedText = values.speed ?? (values['dry-run'] ? 'max' : String(DEFAULT_SPEED));
    const speed =
      speedText === 'max'
        ? Number.POSITIVE_INFINITY
        : rangedNumberOption('speed', speedText, { min: MIN_SPEED }, 'max')!;
    const duration = durationOption('duration', values.duration)!;
    const seed = seedOption('seed', values.seed!);
    const rate = rangedNumberOption('rate', values.rate, { min: 1, max: MAX_RATE })!;
    const plants = plantsOption(values.plants)!;
    const truthFile = outputFileOption('truth', values.truth);
    awsNameOption('stream', values.stream!, 'stream name', { min: 1, max: 128 });
    const endpoint = endpointOption('endpoint', values.endpoint) ?? endpointFromEnv('AWS_ENDPOINT_URL');
    const controller = new AbortController();
    const publisher: Publisher = values['dry-run']
      ? new PrintingPublisher((line) => {
          // A reader that has read enough (`| head`) closes the pipe: the dry run stops there.
          if (process.stdout.destroyed) controller.abort();
          if (!controller.signal.aborted) io.out(line);
        })
      : new KinesisPublisher(createKinesisClient(endpoint ? { endpoint } : {}), values.stream!);

    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (values['dry-run']) ignoreClosedPipe();
    let plantTime = 0;
    const progress = setInterval(() => {
      if (!io.interactive || values['dry-run']) return;
      const s = publisher.stats;
      io.err(
        `\r\x1b[Kplant ${dateTime(plantTime)} · ${s.sent} events sent · ${s.retries} retries · ${s.pending} waiting`,
      );
    }, 500);
    try {
      const result = await emulate({
        model,
        scenario: name,
        publisher,
        speed,
        seed,
        rate,
        plants,
        duration,
        ...(truthFile && { truthFile }),
        signal: controller.signal,
        onProgress: (now) => {
          plantTime = now;
        },
      }).catch((error: NodeJS.ErrnoException & { name: string }) => {
        const where = endpoint ?? 'AWS';
        if (isConnectionError(error)) {
          throw new CliError(`cannot reach Kinesis at ${where}: ${error.message}`);
        }
        if (error.name === 'ResourceNotFoundException')
          throw new CliError(`stream "${values.stream}" not found at ${where}`);
        if (error.name === 'CredentialsProviderError')
          throw new CliError(`no AWS credentials for ${where}: ${error.message}`);
        throw error;
      });
      if (!values['dry-run']) {
        const s = publisher.stats;
        io.err(
          `${io.interactive ? '\r\x1b[K' : ''}${controller.signal.aborted ? 'stopped' : 'done'}: plant ${dateTime(result.start)} to ${dateTime(result.end)}, ` +
            `${s.sent} events sent to ${values.stream}, ${s.retries} retries\n`,
        );
      }
      return 0;
    } finally {
      clearInterval(progress);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
});

let ignoringClosedPipe = false;

/**
 * Keeps a closed stdout (EPIPE: the reader of a pipe has gone) from ending the process with an
 * unhandled error: the write that met it, and those still on their way, are reported after the
 * dry run has stopped.
 */
function ignoreClosedPipe(): void {
  if (ignoringClosedPipe) return;
  ignoringClosedPipe = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
