// `twin bench plants`: the embedded twin with many plants in one deployment, their events at a steady
// rate for minutes: nothing lost, each plant's forecast kept fresh, the twin's memory over the run.
import { PLANTS_DEFAULTS, type PlantsBenchResult, plantsBench } from '../../../bench/plantsBench.ts';
import { intOption } from '../../command.ts';
import { table } from '../../format.ts';
import { count, defineBenchmark, type ResultTable, type Suite, withProgress } from './benchmark.ts';

const { plants, ordersPerPlant, rate, seconds } = PLANTS_DEFAULTS;

const memory = (m: PlantsBenchResult['rss']) =>
  `${m.startMb} → ${m.endMb} (peak ${m.peakMb}; ${m.slopeMbPerMin >= 0 ? '+' : ''}${m.slopeMbPerMin} MB/min in the second half)`;

const plantsTable: ResultTable<PlantsBenchResult> = {
  title: 'Embedded twin: many plants',
  measures:
    `The embedded twin (kinesalite, DynamoDB Local, forecast batching window 1 s) with ${plants} plants of ` +
    `${ordersPerPlant} active orders each (the demo plant with ${ordersPerPlant / 5} lines), their events at ${rate} a second in all, the plants in ` +
    `turn, for ${seconds / 60} minutes: events not ingested, and not reflected by their plant's forecast within a minute ` +
    "of the last (lost); from an event's PutRecords to the first forecast of its plant that reflects it (all events, " +
    "the worst plant's p95, and the p95 of the events put in each minute of the run: level while the twin keeps up); " +
    "the memory of the twin's process (RSS and V8 heap, MB) from the run's start to its end.",
  rows: (r) => [
    [
      'plants × orders',
      'events/s',
      'events',
      'not ingested',
      'lost',
      'p50 ms',
      'p95 ms',
      'worst plant p95 ms',
      'p95 by minute of the run, ms',
      'RSS MB',
      'heap MB',
    ],
    [
      `${count(r.plants)} × ${count(r.ordersPerPlant)}`,
      count(r.rate),
      count(r.events),
      count(r.notIngested),
      count(r.lost),
      count(r.p50Ms),
      count(r.p95Ms),
      count(r.worstPlantP95Ms),
      r.p95ByMinuteMs.map(count).join(' · '),
      memory(r.rss),
      memory(r.heapUsed),
    ],
  ],
};

export const plantsBenchmark = defineBenchmark({
  name: 'plants',
  usage: [
    'twin bench plants [--plants N] [--orders N] [--rate R] [--seconds S]',
    '                                                            the embedded twin with N plants of --orders active',
    '                                                            orders each, R events/s in all for S s: lost events,',
    "                                                            event to its plant's forecast p50/p95, memory",
  ],
  options: {
    plants: { type: 'string', value: 'N', description: 'plants', default: String(plants) },
    orders: {
      type: 'string',
      value: 'N',
      description: 'active orders per plant',
      default: String(ordersPerPlant),
    },
    rate: {
      type: 'string',
      value: 'R',
      description: 'events per second, all plants together',
      default: String(rate),
    },
    seconds: { type: 'string', value: 'S', description: 'seconds of events', default: String(seconds) },
  },
  async run(values, io) {
    const options = {
      plants: intOption('plants', values.plants, 1)!,
      ordersPerPlant: intOption('orders', values.orders, 1)!,
      rate: intOption('rate', values.rate, 1)!,
      seconds: intOption('seconds', values.seconds, 1)!,
    };
    const result = await withProgress(io, (progress) => plantsBench({ ...options, progress }));
    io.out(values.json ? JSON.stringify(result) : table(plantsTable.rows(result)));
    return 0;
  },
});

export const plantsSuite: Suite<PlantsBenchResult> = {
  key: 'plants',
  async measure({ sources, progress }) {
    progress(`${plants} plants on the embedded twin, ${seconds / 60} minutes ...`);
    // The embedded twin serves its dashboard from the page's sources: run it from the project.
    return (await sources(['bench', 'plants', '--json'])) as PlantsBenchResult;
  },
  tables: [plantsTable],
};
