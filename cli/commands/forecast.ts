// `twin forecast`: forecasts a saved snapshot offline, exactly as the forecast Lambda would.
import { ReplicationError } from '../../forecast/threads/ReplicationError.ts';
import { forecast } from '../../orderflow/forecast.ts';
import { MAX_MONTE_CARLO_DRAWS } from '../../orderflow/monteCarlo.ts';
import { SimulationLimitError } from '../../sim-core/kernel/errors.ts';
import { DEFAULT_MAX_EVENTS, DEFAULT_MAX_WALL_MS, MAX_REPLICATIONS } from '../../sim-core/limits.ts';
import { defineCommand, jsonText, seedOption, shownLimit } from '../command.ts';
import { CliError } from '../errors.ts';
import { forecastTable } from '../format.ts';
import { rangedNumberOption } from '../optionChecks.ts';
import { loadCheckedModel, readSnapshotFile } from '../planInputs.ts';

export const forecastCommand = defineCommand({
  name: 'forecast',
  summary: 'Forecast every active order of a snapshot ({ "asOf": <epoch ms>, "orders": [order states] }).',
  details:
    'Prints a table (or, with --json, the forecast: per order its steps, completedAt, plan comparison and\n' +
    'delay cause under "orders", per station its utilisation and longest queue under "stations", and "kpis").\n' +
    "With --replications N it draws the future N times from the model's distributions and adds, per order,\n" +
    'the 10th, 50th and 90th percentile of its completion and the chance that it completes by its due date\n' +
    `(orders × replications at most ${shownLimit(MAX_MONTE_CARLO_DRAWS)}). A forecast that takes more than ${DEFAULT_MAX_WALL_MS / 1000} s, or more than\n` +
    `${shownLimit(DEFAULT_MAX_EVENTS)} events in one run, stops with an error.\n` +
    'Example: twin forecast --state examples/demo-snapshot.json\n' +
    'Example: twin forecast --state examples/demo-snapshot.json --param lines=2 --param queueRule=due-date\n' +
    'Example: twin forecast --state examples/demo-snapshot.json --model examples/order-flow-uncertain.json --replications 1000',
  options: {
    state: { type: 'string', value: 'FILE', description: 'snapshot file (JSON)', required: true },
    model: {
      type: 'string',
      value: 'FILE',
      description: 'plant model file (default: the demo plant, orderflow/models/order-flow.json)',
    },
    param: {
      type: 'string',
      value: 'NAME=VALUE',
      multiple: true,
      description:
        "override a model parameter, in the model's time unit: a number, a distribution as JSON, or a name (a queue rule); repeatable",
    },
    replications: {
      type: 'string',
      value: 'N',
      description: `a Monte Carlo forecast: draw the future N times, 1 to ${shownLimit(MAX_REPLICATIONS)} (default: one deterministic forecast)`,
    },
    seed: {
      type: 'string',
      value: 'S',
      description: 'seed of the Monte Carlo draws: any integer',
      default: '1',
    },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  async run(values, io) {
    const file = values.state!;
    const snapshot = await readSnapshotFile(file);
    const { model, parameters } = await loadCheckedModel(values.model, values.param);
    const replications = rangedNumberOption('replications', values.replications, {
      min: 1,
      max: MAX_REPLICATIONS,
      whole: true,
    });
    const seed = seedOption('seed', values.seed!);
    let result: ReturnType<typeof forecast>;
    try {
      result =
        replications === undefined
          ? forecast(snapshot, model, { parameters })
          : // The replications run on every core (worker threads), with the same result as on one.
            await (await import('../../forecast/threads/monteCarloInThreads.ts')).forecastMonteCarloInThreads(
              snapshot,
              model,
              { parameters, replications, seed, ...(io.interactive && { onReplication: progress(io) }) },
            );
    } catch (error) {
      if (
        error instanceof SimulationLimitError ||
        // The same, met in a worker thread.
        (error instanceof ReplicationError && error.cause === 'SimulationLimitError')
      ) {
        // The error line replaces a progress line drawn in place.
        if (io.interactive) io.err('\r\x1b[K');
        throw new CliError(`${file}: ${error.message}`, 2, { cause: error });
      }
      throw error;
    }
    io.out(values.json ? jsonText(result, io) : forecastTable(result, model));
    return 0;
  },
});

/** A progress line on the terminal, at most every 250 ms, once a run takes longer than that. */
function progress(io: { err(text: string): void }) {
  const started = performance.now();
  let shown = started;
  return (done: number, total: number) => {
    const now = performance.now();
    if (done < total && now - shown < 250) return;
    if (done === total && shown === started) return;
    shown = now;
    const line = `replication ${done}/${total} (${((now - started) / 1000).toFixed(1)} s)`;
    io.err(`\r\x1b[K${line}${done === total ? '\n' : ''}`);
  };
}
