// `twin bench latency`: the embedded twin end to end, its latency at a few event rates and the
// highest rate it sustains, beside DynamoDB Local's raw write rate measured in the same run.
import {
  LATENCY_DEFAULTS,
  type LatencyBenchResult,
  latencyBench,
  notSustainedBecause,
  SUSTAIN_SHARES,
} from '../../../bench/latencyBench.ts';
import { table } from '../../format.ts';
import { count, defineBenchmark, type ResultTable, type Suite, withProgress } from './benchmark.ts';

const { rates, seconds, sustainSeconds, batchingWindowMs, riskAware } = LATENCY_DEFAULTS;

const latencyTable: ResultTable<LatencyBenchResult> = {
  title: 'Embedded twin: event to forecast',
  measures:
    'From the PutRecords of an event to the first readable forecast that reflects it, on the embedded twin ' +
    `(kinesalite, DynamoDB Local, forecast batching window ${batchingWindowMs / 1000} s), ${seconds} s per row: ` +
    'the deterministic forecast of the demo plant with as many active orders as events/s (at least 40), then the ' +
    `risk-aware forecast (Monte Carlo, ${riskAware.replications} draws after each batch, on the forecast's worker threads) ` +
    `of the demo plant with uncertain times (examples/order-flow-uncertain.json) and ${count(riskAware.orders)} active orders.`,
  rows: (r) => [
    ['events/s', 'active orders', 'forecast', 'events', 'p50 ms', 'p95 ms', 'max ms', 'lost'],
    ...r.rows.map((x) => [
      count(x.rate),
      // Results from before the risk-aware row had as many active orders as events/s.
      count(x.activeOrders ?? Math.max(40, x.rate)),
      x.replications === undefined ? 'deterministic' : `Monte Carlo, ${count(x.replications)} draws`,
      count(x.events),
      count(x.p50Ms),
      count(x.p95Ms),
      count(x.maxMs),
      count(x.lost),
    ]),
  ],
};

const sustainedTable: ResultTable<LatencyBenchResult> = {
  title: 'Embedded twin: sustained rate, beside DynamoDB Local',
  measures:
    `The highest event rate the embedded twin sustained for ${sustainSeconds} s (nothing lost, the ingest at most 1 s of ` +
    `events behind at the end, p95 under 5 s), trying ${SUSTAIN_SHARES.map((s) => `${s * 100}`).join(', ')} % of ` +
    "DynamoDB Local's raw write rate up to the first not sustained; that rate is measured just before, for " +
    `${sustainSeconds} s, with the ingest's write and concurrency on the pipeline's table.`,
  rows: (r) => [
    ['highest rate sustained, events/s', 'DynamoDB Local raw writes/s', 'rates tried, events/s: sustained'],
    [
      // Every rate tried was sustained: the highest is a lower bound.
      `${r.sustainRuns.at(-1)?.sustained ? 'at least ' : ''}${count(r.sustainedPerSecond)}`,
      count(r.rawPerSecond),
      r.sustainRuns
        .map((x) => `${count(x.rate)}: ${x.sustained ? 'yes' : `no (${notSustainedBecause(x)})`}`)
        .join(', '),
    ],
  ],
};

export const latencyBenchmark = defineBenchmark({
  name: 'latency',
  usage: [
    'twin bench latency                                          the embedded twin: PutRecords to forecast, p50/p95',
    `                                                            at ${rates.join(' and ')} events/s; the highest rate sustained,`,
    "                                                            beside DynamoDB Local's raw write rate",
  ],
  options: {},
  async run(values, io) {
    const result = await withProgress(io, (progress) => latencyBench({ progress }));
    io.out(
      values.json
        ? JSON.stringify(result)
        : [table(latencyTable.rows(result)), '', table(sustainedTable.rows(result))].join('\n'),
    );
    return 0;
  },
});

export const latencySuite: Suite<LatencyBenchResult> = {
  key: 'latency',
  async measure({ sources, progress }) {
    progress('latency and sustained rate of the embedded twin ...');
    // The embedded twin serves its dashboard from the page's sources: run it from the project.
    return (await sources(['bench', 'latency', '--json'])) as LatencyBenchResult;
  },
  tables: [latencyTable, sustainedTable],
};
