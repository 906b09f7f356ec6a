// `twin forecast`: forecasts a saved snapshot offline, exactly as the forecast Lambda would.
import { parseSnapshot, SnapshotError } from '../../contracts/index.ts';
import { forecast, forecastMonteCarlo } from '../../sim-core/index.ts';
import { defineCommand, intOption, seedOption } from '../command.ts';
import { CliError } from '../errors.ts';
import { loadModel, readJson } from '../files.ts';
import { forecastTable } from '../format.ts';

export const forecastCommand = defineCommand({
  name: 'forecast',
  summary: 'Forecast every active order of a snapshot ({ "asOf": <epoch ms>, "orders": [order states] }).',
  details:
    'Prints a table (or, with --json, the forecast with the per-order fields under "orders").\n' +
    "With --replications N it draws the future N times from the model's distributions and adds, per order,\n" +
    'the 10th, 50th and 90th percentile of its production end and the chance that it ends by its due date.\n' +
    'Example: twin forecast --state examples/demo-snapshot.json\n' +
    'Example: twin forecast --state examples/demo-snapshot.json --model examples/order-flow-uncertain.json --replications 1000',
  options: {
    state: { type: 'string', value: 'FILE', description: 'snapshot file (JSON)', required: true },
    model: {
      type: 'string',
      value: 'FILE',
      description: 'model file (default: the demo plant, sim-core/models/order-flow.json)',
    },
    lines: { type: 'string', value: 'N', description: 'number of production lines (overrides the model)' },
    'queue-rule': {
      type: 'string',
      value: 'RULE',
      description: 'queue rule: fifo, priority or due-date (overrides the model)',
    },
    replications: {
      type: 'string',
      value: 'N',
      description: 'a Monte Carlo forecast: draw the future N times (default: one deterministic forecast)',
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
    const raw = await readJson(file);
    let snapshot: ReturnType<typeof parseSnapshot>;
    try {
      snapshot = parseSnapshot(raw);
    } catch (error) {
      if (error instanceof SnapshotError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
    const model = await loadModel(values.model);
    const parameters: Record<string, number | string> = {};
    const lines = intOption('lines', values.lines, 1);
    if (lines !== undefined) parameters.lines = lines;
    const rule = values['queue-rule'];
    if (rule !== undefined) {
      if (!(rule in model.queueRules)) {
        throw new CliError(
          `--queue-rule must be one of ${Object.keys(model.queueRules).join(', ')}, got "${rule}"`,
        );
      }
      parameters.queueRule = rule;
    }
    const replications = intOption('replications', values.replications, 1);
    const seed = seedOption('seed', values.seed!);
    const result =
      replications === undefined
        ? forecast(snapshot, model, { parameters })
        : forecastMonteCarlo(snapshot, model, {
            parameters,
            replications,
            seed,
            ...(io.interactive && { onReplication: progress(io) }),
          });
    io.out(values.json ? JSON.stringify(result, null, 2) : forecastTable(result));
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
