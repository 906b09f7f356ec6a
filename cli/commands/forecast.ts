// `twin forecast`: forecasts a saved snapshot offline, exactly as the forecast Lambda would.
import { parseSnapshot, SnapshotError } from '../../contracts/index.ts';
import { forecast } from '../../sim-core/index.ts';
import { defineCommand, intOption } from '../command.ts';
import { CliError } from '../errors.ts';
import { loadModel, readJson } from '../files.ts';
import { forecastTable } from '../format.ts';

export const forecastCommand = defineCommand({
  name: 'forecast',
  summary: 'Forecast every active order of a snapshot ({ "asOf": <epoch ms>, "orders": [order states] }).',
  details:
    'Prints a table (or, with --json, the forecast with the per-order fields under "orders").\n' +
    'Example: twin forecast --state examples/demo-snapshot.json',
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
    const result = forecast(snapshot, model, { parameters });
    io.out(values.json ? JSON.stringify(result, null, 2) : forecastTable(result));
    return 0;
  },
});
