// `twin bench ingest`: the ingest Lambda's throughput on kinesalite and DynamoDB Local, beside
// DynamoDB Local's raw rate for the same write.
import { type IngestBenchResult, ingestBench } from '../../../bench/ingestBench.ts';
import { IngestEventSource } from '../../../contracts/resources.ts';
import { intOption } from '../../command.ts';
import { table } from '../../format.ts';
import { count, defineBenchmark, type ResultTable, type Suite, withProgress } from './benchmark.ts';

const ingestTable: ResultTable<IngestBenchResult> = {
  title: 'Ingest on kinesalite and DynamoDB Local, beside DynamoDB Local',
  measures:
    `Events read from kinesalite (batches of ${IngestEventSource.batchSize}) and applied to DynamoDB Local by the ingest ` +
    "handler, every event of another order than its neighbours; beside it DynamoDB Local's raw rate for the same " +
    'conditional update issued directly, in alternating rounds on the same table.',
  rows: (r) => [
    [
      'events',
      'ingest events/s',
      'DynamoDB Local raw writes/s',
      'ingest / raw',
      'DynamoDB calls/event',
      'CPU µs/event',
    ],
    [
      count(r.events),
      count(r.pipelinePerSecond),
      count(r.rawPerSecond),
      `${Math.round((r.pipelinePerSecond / r.rawPerSecond) * 100)} %`,
      count(r.callsPerEvent),
      count(r.cpuMicrosPerEvent),
    ],
  ],
};

export const ingestBenchmark = defineBenchmark({
  name: 'ingest',
  usage: [
    'twin bench ingest --events N                                events/s through the ingest on kinesalite and',
    "                                                            DynamoDB Local, beside DynamoDB Local's raw rate",
  ],
  options: {
    events: { type: 'string', value: 'N', description: 'number of events', default: '10000' },
  },
  async run(values, io) {
    const events = intOption('events', values.events, 100)!;
    const result = await withProgress(io, (progress) => ingestBench({ events, progress }));
    io.out(values.json ? JSON.stringify(result) : table(ingestTable.rows(result)));
    return 0;
  },
});

export const ingestSuite: Suite<IngestBenchResult> = {
  key: 'ingest',
  async measure({ bundle, progress }) {
    progress('ingest of 10,000 events on kinesalite and DynamoDB Local ...');
    return (await bundle(['bench', 'ingest', '--events', '10000', '--json'])) as IngestBenchResult;
  },
  tables: [ingestTable],
};
