// `twin bench forecast`: the forecast of a synthetic plant, as the forecast Lambda computes it, its
// first run in a fresh process (a cold Lambda) beside warm runs (a warm one).
import { availableParallelism } from 'node:os';
import { type ForecastBenchResult, forecastBench } from '../../../bench/workloads.ts';
import { intOption } from '../../command.ts';
import { loadPlantModel } from '../../files.ts';
import { count, defineBenchmark, type Suite } from './benchmark.ts';

/**
 * Draws (orders × replications) each thread makes before a Monte Carlo forecast counts as warm. V8
 * optimises a replication's functions as they grow hot, each thread its own, and replaces some of
 * that code as later draws show it more: with 1,000 orders × 100 replications it compiles its last
 * functions in about the 24th forecast on one thread and the 43rd on two, and the forecast takes a
 * third less from then on (`--trace-opt`; see docs/benchmarks.md).
 */
export const MONTE_CARLO_WARM_UP_DRAWS = 3_000_000;

/** Warm-up forecasts that make MONTE_CARLO_WARM_UP_DRAWS per thread: 10 at least, 100 at most. */
export function monteCarloWarmUpRuns(orders: number, replications: number, threads: number): number {
  const runs = Math.ceil((MONTE_CARLO_WARM_UP_DRAWS * threads) / (orders * replications));
  return Math.min(100, Math.max(10, runs));
}

export const forecastBenchmark = defineBenchmark({
  name: 'forecast',
  usage: [
    'twin bench forecast --orders N [--model FILE]                a forecast: fresh, and warm (median)',
  ],
  options: {
    orders: { type: 'string', value: 'N', description: 'number of active orders', default: '1000' },
    replications: {
      type: 'string',
      value: 'N',
      description: 'a Monte Carlo forecast of N draws (default model: the demo plant with uncertain times)',
    },
    model: {
      type: 'string',
      value: 'FILE',
      description: 'plant model file (default: the demo plant); the synthetic orders follow its routings',
    },
    threads: {
      type: 'string',
      value: 'T',
      description:
        "threads that run a Monte Carlo forecast's replications, the calling one included (default 1)",
    },
  },
  async run(values, io) {
    const orders = intOption('orders', values.orders, 1)!;
    const replications = intOption('replications', values.replications, 1);
    const model = values.model === undefined ? undefined : await loadPlantModel(values.model);
    const threads = intOption('threads', values.threads, 1) ?? 1;
    // A Monte Carlo forecast takes as long as that many forecasts: fewer runs, after warm-up runs
    // by the draws each thread makes (monteCarloWarmUpRuns).
    const result =
      replications === undefined
        ? await forecastBench(orders, 15, 30, undefined, model)
        : await forecastBench(
            orders,
            9,
            monteCarloWarmUpRuns(orders, replications, threads),
            replications,
            model,
            threads,
          );
    io.out(
      values.json
        ? JSON.stringify(result)
        : `${result.orders} orders of ${result.model}${replications === undefined ? '' : `, ${replications} replications on ${threads} thread${threads === 1 ? '' : 's'}`}: ` +
            `fresh ${result.freshMs} ms; warm median ${result.medianMs} ms (min ${result.minMs} ms, ${result.runs} runs after ${result.warmupRuns})`,
    );
    return 0;
  },
});

export const forecastSuite: Suite<ForecastBenchResult[]> = {
  key: 'forecasts',
  async measure({ bundle, progress }) {
    const results: ForecastBenchResult[] = [];
    // The demo plant (one operation per order), then the flow shop (three).
    for (const model of [[], ['--model', 'examples/models/flow-shop.json']]) {
      for (const orders of [1_000, 10_000]) {
        progress(
          `forecast of ${orders.toLocaleString('en')} active orders${model.length ? ' (flow shop)' : ''} ...`,
        );
        results.push(
          (await bundle([
            'bench',
            'forecast',
            '--orders',
            String(orders),
            ...model,
            '--json',
          ])) as ForecastBenchResult,
        );
      }
    }
    // Monte Carlo on one thread, and on every core.
    for (const orders of [1_000, 10_000]) {
      for (const threads of [...new Set([1, availableParallelism()])]) {
        progress(
          `Monte Carlo forecast of ${orders.toLocaleString('en')} active orders, 100 replications, ${threads} thread${threads === 1 ? '' : 's'} ...`,
        );
        const args = ['--orders', String(orders), '--replications', '100', '--threads', String(threads)];
        results.push((await bundle(['bench', 'forecast', ...args, '--json'])) as ForecastBenchResult);
      }
    }
    return results;
  },
  tables: [
    {
      title: 'Forecast of a synthetic plant',
      measures:
        'A forecast of a synthetic plant of the demo plant (examples of orders at every step) or of the flow shop ' +
        '(examples/models/flow-shop.json), deterministic, or Monte Carlo of the demo plant with uncertain times, ' +
        'in a fresh process (fresh, as a cold Lambda), and the median of the runs after warm-up runs in it (warm: 15 after 30; ' +
        `Monte Carlo 9 after enough to make ${count(MONTE_CARLO_WARM_UP_DRAWS)} draws per thread, 10 to 100); ` +
        "a Monte Carlo forecast's replications on one thread, or shared with worker threads (the same forecast).",
      rows: (results) => [
        [
          'model',
          'forecast',
          'threads',
          'active orders',
          'fresh ms',
          'warm median ms',
          'warm min ms',
          'fresh / warm',
          'kernel events',
        ],
        ...results.map((f) => [
          f.model ?? '-',
          f.replications === undefined ? 'deterministic' : `Monte Carlo, ${f.replications} draws`,
          f.replications === undefined ? '-' : String(f.threads ?? 1),
          count(f.orders),
          count(f.freshMs),
          count(f.medianMs),
          count(f.minMs),
          `${Math.round((f.freshMs / f.medianMs) * 10) / 10}x`,
          count(f.events),
        ]),
      ],
    },
  ],
};
