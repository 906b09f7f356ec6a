// `twin bench faults`: the embedded twin on the `steady` scenario at about 100 events/s while
// DynamoDB throttles and times out writes and stream reads are throttled, then DynamoDB Local and
// kinesalite killed with SIGKILL; what was injected, retried and recovered, and that nothing was
// lost or applied twice. Not part of `twin bench all`: it runs for minutes (see docs/faults.md).
import { type FaultsBenchResult, faultsBench } from '../../../bench/faultsBench.ts';
import { table } from '../../format.ts';
import { rangedNumberOption } from '../../optionChecks.ts';
import { count, defineBenchmark, type ResultTable, withProgress } from './benchmark.ts';

const percent = (rate: number) => `${Math.round(rate * 1000) / 10} %`;
const seconds = (ms: number) => (ms / 1000).toFixed(1);

const faultsTable: ResultTable<FaultsBenchResult> = {
  title: 'Faults injected',
  measures:
    "Faults injected through the SDK's middleware on every client of the embedded twin, per attempt, while " +
    'the `steady` scenario runs at about 100 events/s.',
  rows: (r) => [
    ['fault', 'chance per attempt', 'injected'],
    [
      'DynamoDB write throttled (ProvisionedThroughputExceededException)',
      percent(r.rates.writeThrottled),
      count(r.injected.writeThrottled),
    ],
    [
      'DynamoDB write timed out after it went through',
      percent(r.rates.writeTimedOutAfterWrite),
      count(r.injected.writeTimedOutAfterWrite),
    ],
    [
      'Kinesis GetRecords throttled (ProvisionedThroughputExceededException)',
      percent(r.rates.kinesisReadThrottled),
      count(r.injected.kinesisReadThrottled),
    ],
    [
      'DynamoDB Streams GetRecords throttled (LimitExceededException)',
      percent(r.rates.streamReadThrottled),
      count(r.injected.streamReadThrottled),
    ],
  ],
};

const retriesTable: ResultTable<FaultsBenchResult> = {
  title: 'Retries',
  measures:
    "Attempts the SDK made beyond each call's first (the outages' included), reads and handler invocations " +
    "the pollers tried again once the SDK gave up, and records the plant emulator's publisher sent again.",
  rows: (r) => [
    ['SDK: DynamoDB', 'SDK: Kinesis', 'SDK: DynamoDB Streams', 'pollers', 'publisher'],
    [
      count(r.sdkRetries.dynamodb),
      count(r.sdkRetries.kinesis),
      count(r.sdkRetries.dynamodbStreams),
      count(r.pollerRetries),
      count(r.publishRetries),
    ],
  ],
};

const outagesTable: ResultTable<FaultsBenchResult> = {
  title: 'Outages',
  measures:
    'Each emulator killed with SIGKILL and started again by the twin on its port and data directory: from the ' +
    'kill until the twin found it answering, from then until the ingest had caught up and a forecast of it was ' +
    'made, and the requests the twin sent it meanwhile.',
  rows: (r) => [
    ['emulator', 'down, s', 'recovered after, s', 'requests/s while down'],
    ...r.outages.map((o) => [
      o.emulator,
      seconds(o.downMs),
      seconds(o.recoveredMs),
      String(o.requestsPerSecond),
    ]),
  ],
};

const outcomeTable: ResultTable<FaultsBenchResult> = {
  title: 'Outcome',
  measures:
    "The order state against the reducer's fold of every record in the stream (a fault-free run of the same " +
    'events), and the failure destination against the poison records published on purpose.',
  rows: (r) => [
    [
      'events',
      'events/s under faults',
      'forecasts current after faults, s',
      'events lost',
      'duplicates applied',
      'orders differing',
      'failures (poison on purpose)',
    ],
    [
      count(r.eventsPublished),
      count(r.eventsPerSecond),
      seconds(r.forecastsCurrentMs),
      count(r.state.eventsLost),
      count(r.state.duplicatesApplied),
      count(r.state.ordersDiffering),
      `${count(r.failures)} (${count(r.poisonFailures)} of ${count(r.poisonPublished)})`,
    ],
  ],
};

export const faultsBenchmark = defineBenchmark({
  name: 'faults',
  usage: [
    'twin bench faults --minutes N                               the embedded twin at about 100 events/s under',
    '                                                            throttling and timeouts, then DynamoDB Local and',
    '                                                            kinesalite killed: faults, retries, recovery, events',
    "                                                            lost and applied twice (not in 'all')",
  ],
  options: {
    minutes: {
      type: 'string',
      value: 'N',
      description: 'minutes of throttling and timeouts, above 0 and at most 60',
      default: '5',
    },
  },
  async run(values, io) {
    const minutes = rangedNumberOption('minutes', values.minutes, { above: 0, max: 60 })!;
    const result = await withProgress(io, (progress) =>
      faultsBench({ faultSeconds: Math.round(minutes * 60), outages: true, progress }),
    );
    io.out(
      values.json
        ? JSON.stringify(result)
        : [faultsTable, retriesTable, outagesTable, outcomeTable]
            .map((t) => `${t.title}\n${table(t.rows(result))}`)
            .join('\n\n'),
    );
    return result.state.eventsLost === 0 &&
      result.state.duplicatesApplied === 0 &&
      result.state.ordersDiffering === 0
      ? 0
      : 1;
  },
});
