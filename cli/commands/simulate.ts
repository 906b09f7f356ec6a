// `twin simulate`: runs a block model from empty and reports its KPIs.
import { runModel } from '../../sim-core/index.ts';
import { defineCommand, intOption, numberOption, seedOption } from '../command.ts';
import { loadModel } from '../files.ts';
import { table } from '../format.ts';

export const simulateCommand = defineCommand({
  name: 'simulate',
  summary:
    'Run a model from empty and print its KPIs: throughput, mean and p95 time in each block, utilisation of each resource.',
  details: 'Example: twin simulate --model sim-core/models/casymda-benchmark.json --replications 5',
  options: {
    model: { type: 'string', value: 'FILE', description: 'model file (JSON)', required: true },
    until: { type: 'string', value: 'T', description: "simulated time to stop at, in the model's time unit" },
    replications: {
      type: 'string',
      value: 'N',
      description: 'independent runs, each with a random stream of its own derived from the seed',
      default: '1',
    },
    seed: { type: 'string', value: 'S', description: 'seed of the run: any integer', default: '1' },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  async run(values, io) {
    const model = await loadModel(values.model);
    const replications = intOption('replications', values.replications, 1)!;
    const seed = seedOption('seed', values.seed!);
    const until = numberOption('until', values.until);
    const started = performance.now();
    const result = runModel(model, {
      ...(until !== undefined && { until }),
      replications,
      seed,
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
    });
    if (values.json) {
      io.out(JSON.stringify({ model: model.name, timeUnit: model.timeUnit, ...result }, null, 2));
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
