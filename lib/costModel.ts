// The twin's cost per month on AWS, on paper: what one deployment of the stack bills for a number of
// plants, line by line (quantity per month, unit price, cost), from the stack's own settings (given in
// `StackCostSettings`, read from the constructs by lib/costSettings.ts), list prices, and the measured
// duration of a forecast. Pure arithmetic: no AWS call, no file read.

/** The day the prices below were read from AWS's pricing pages (on-demand, US East (N. Virginia)). */
export const PRICES_DATE = '2026-12-02';

/** A list price: what one unit costs, and the AWS page it comes from. */
export interface Price {
  /** What is billed, for a reader. */
  what: string;
  usd: number;
  unit: string;
  source: string;
}

/**
 * On-demand list prices in us-east-1, as of PRICES_DATE. Free tiers are not deducted: they are per
 * account, not per deployment.
 */
export const PRICES = {
  kinesisShardHour: {
    what: 'Kinesis Data Streams: a provisioned shard',
    usd: 0.015,
    unit: 'shard-hour',
    source: 'https://aws.amazon.com/kinesis/data-streams/pricing/ (provisioned mode)',
  },
  kinesisPutPayloadUnit: {
    what: 'Kinesis Data Streams: data in',
    usd: 0.014 / 1e6,
    unit: 'PUT payload unit (25 KB of a record)',
    source: 'https://aws.amazon.com/kinesis/data-streams/pricing/ (provisioned mode)',
  },
  lambdaRequest: {
    what: 'Lambda: an invocation',
    usd: 0.2 / 1e6,
    unit: 'request',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaArmGbSecond: {
    what: 'Lambda: compute, Arm',
    usd: 0.0000133334,
    unit: 'GB-second (Arm)',
    source: 'https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-s a month)',
  },
  lambdaX86GbSecond: {
    what: 'Lambda: compute, x86',
    usd: 0.0000166667,
    unit: 'GB-second (x86)',
    source: 'https://aws.amazon.com/lambda/pricing/ (x86, first 6 billion GB-s a month)',
  },
  dynamoWriteRequestUnit: {
    what: 'DynamoDB on demand: a write of up to 1 KB',
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoReadRequestUnit: {
    what: 'DynamoDB on demand: a strongly consistent read of up to 4 KB (eventually consistent: half)',
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoStorageGbMonth: {
    what: 'DynamoDB: storage',
    usd: 0.25,
    unit: 'GB-month',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table class)',
  },
  dynamoPitrGbMonth: {
    what: 'DynamoDB: point-in-time recovery',
    usd: 0.2,
    unit: 'GB-month',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (continuous backups, PITR)',
  },
  dynamoStreamReadByLambda: {
    what: 'DynamoDB Streams: a read by a Lambda mapping',
    usd: 0,
    unit: 'GetRecords call',
    source:
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ (GetRecords calls made by Lambda triggers are not charged)',
  },
  cloudWatchLogsIngestedGb: {
    what: 'CloudWatch Logs: ingestion',
    usd: 0.5,
    unit: 'GB ingested',
    source: 'https://aws.amazon.com/cloudwatch/pricing/ (logs, standard)',
  },
  cloudWatchAlarmMonth: {
    what: 'CloudWatch: an alarm',
    usd: 0.1,
    unit: 'alarm-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/ (standard-resolution alarm metric)',
  },
  xrayTraceRecorded: {
    what: 'X-Ray: a trace recorded',
    usd: 5 / 1e6,
    unit: 'trace recorded',
    source: 'https://aws.amazon.com/xray/pricing/',
  },
  secretMonth: {
    what: 'Secrets Manager: a secret',
    usd: 0.4,
    unit: 'secret-month',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
  },
} as const satisfies Record<string, Price>;

export type Prices = { readonly [K in keyof typeof PRICES]: Price };

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** What the stack deploys that the bill depends on (lib/costSettings.ts reads it from the constructs). */
export interface StackCostSettings {
  /** Shards of the order-events stream (provisioned). */
  streamShards: number;
  /** Lambda's processor: `arm64` or `x86_64`. */
  architecture: string;
  ingestMemoryMb: number;
  forecastMemoryMb: number;
  observerMemoryMb: number;
  /** The forecast mapping's batching window (s): the changes of one window make one invocation. */
  forecastWindowSeconds: number;
  observerWindowSeconds: number;
  /** Days a forecast stays in history (its time to live). */
  historyDays: number;
  /** The largest item a forecast is cut into (bytes): a forecast of more chunks is a transaction. */
  forecastChunkBytes: number;
  /** Horizons the observer compares a finished step at: each reads the forecast in effect then. */
  observerHorizons: number;
  /** History items one lookup of the forecast in effect reads at most. */
  observerLookupPage: number;
  /** CloudWatch alarms in the stack. */
  alarms: number;
  /** Secrets Manager secrets in the stack (the dashboard's token). */
  secrets: number;
  /** Whether the tables keep continuous backups (point-in-time recovery). */
  pointInTimeRecovery: boolean;
}

/** The workload and what one forecast costs in time and space. */
export interface CostInputs {
  plants: number;
  eventsPerDayPerPlant: number;
  activeOrdersPerPlant: number;
  /** Wall time of one plant's forecast (ms): read the active orders, simulate, write. */
  forecastMs: number;
  /** Bytes of one forecast as stored (gzip-compressed JSON), without its item's other attributes. */
  forecastBytes: number;
  /** Time the ingest spends per event (ms). */
  ingestMsPerEvent: number;
  /** Time the observer spends on one batch (ms). */
  observerMs: number;
  /** Bytes of one order's state item (table and index alike). */
  orderItemBytes: number;
  /** Bytes of one event as published to Kinesis. */
  eventBytes: number;
  /** Events in one order's life: orders a month = events / this. */
  eventsPerOrder: number;
  /** Share of events that finish a step or bring material: those the observer compares. */
  observedShare: number;
  /** Bytes of the accuracy record the observer rewrites after a batch with comparisons. */
  accuracyRecordBytes: number;
  /** Log bytes per invocation: Lambda's START, END and REPORT lines and the function's one line. */
  logBytesPerInvocation: number;
  /** Shards of the order-state table's stream (DynamoDB's: one per table partition). */
  tableStreamShards: number;
}

/** The defaults of everything but the measured figures (which come from the benchmarks). */
export const DEFAULT_INPUTS = {
  plants: 1,
  eventsPerDayPerPlant: 10_000,
  activeOrdersPerPlant: 200,
  /** Not measured: a batch's few GetItems and, now and then, a record's Put. */
  observerMs: 20,
  /** The synthetic plant's order items (bench/stateItems.ts) measure about 350 bytes on average, 600 at most. */
  orderItemBytes: 600,
  /** An order event is a few hundred bytes of JSON (`twin schema`). */
  eventBytes: 400,
  /** The demo plant: accepted, material ordered, an ETA update, arrived, started, finished, delivered. */
  eventsPerOrder: 7,
  /** Material arrived and production finished, of the demo plant's seven. */
  observedShare: 2 / 7,
  accuracyRecordBytes: 4096,
  /** Lambda's three platform lines (~350 bytes) and one JSON line of Powertools' logger. */
  logBytesPerInvocation: 800,
  /** A table of this size has one partition, so its stream has one shard open at a time. */
  tableStreamShards: 1,
} as const;

/** One line of the bill. */
export interface CostLine {
  service: string;
  item: string;
  /** Units a month. */
  quantity: number;
  unit: string;
  /** USD a unit. */
  unitPrice: number;
  /** USD a month. */
  cost: number;
}

/** Counts behind the bill, per month unless said otherwise, for the reader who wants to check. */
export interface CostFigures {
  eventsPerSecond: number;
  /** The stream's use of its shards' write capacity (1,000 records/s and 1 MB/s a shard), 0 to 1. */
  streamShardUse: number;
  events: number;
  ingestInvocations: number;
  forecastInvocations: number;
  /** Forecasts of one plant made (a batch forecasts each plant it touched once). */
  plantForecasts: number;
  observerInvocations: number;
}

export interface CostEstimate {
  inputs: CostInputs;
  settings: StackCostSettings;
  lines: CostLine[];
  figures: CostFigures;
  /** USD a month. */
  total: number;
}

/**
 * Windows of `windowSeconds` in a month that hold at least one of `ratePerSecond` random arrivals
 * (Poisson): the invocations of a mapping that invokes once per window with anything in it. Never
 * more than the arrivals, nor the windows.
 */
export function busyWindows(ratePerSecond: number, windowSeconds: number, shards = 1): number {
  // A window of 0 s still waits for Lambda's poll of the shard: about once a second.
  const window = Math.max(windowSeconds, 1);
  const windows = (SECONDS_PER_MONTH / window) * shards;
  return windows * -Math.expm1((-ratePerSecond * window) / shards);
}

/**
 * Traces X-Ray records of `invocations` a month under Lambda's sampling: the first request each
 * second and 5 % of the others.
 */
export function sampledTraces(invocations: number): number {
  const firsts = busyWindows(invocations / SECONDS_PER_MONTH, 1);
  return firsts + 0.05 * (invocations - firsts);
}

/** Read request units of a strongly consistent read of `bytes` (4 KB a unit). */
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
/** Read request units of an eventually consistent read of `bytes`: half. */
const eventualReadUnits = (bytes: number) => readUnits(bytes) * 0.5;
/** What one Query reads at most before it returns a page. */
const QUERY_PAGE_BYTES = 1024 ** 2;
/** Write request units of a write of an item of `bytes` (1 KB a unit). */
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** What DynamoDB counts per item on top of its data, for storage. */
const ITEM_OVERHEAD_BYTES = 100;
/** The head item's attributes besides the forecast's data (asOf, KPIs, timings, model, …). */
const FORECAST_HEAD_BYTES = 1024;
/**
 * A forecast's recommendations item (at most three, each about 400 bytes of JSON for the demo
 * plant, docs/model-and-forecasts.md), written twice: beside the latest forecast and in history.
 */
const RECOMMENDATIONS_BYTES = 1_200;
const GB = 1024 ** 3;

/** Read request units the observer spends on one plant, by kind of batch (see `observerReadUnits`). */
export interface ObserverReadUnits {
  /** Every batch with a change of the plant: the latest forecast's version and the accuracy record. */
  plantBatch: number;
  /** A batch that finishes a step of the plant: the history lookup and each horizon's forecast. */
  comparingBatch: number;
  /** The default plant's comparing batch, besides: its calibration sample. */
  sample: number;
}

/**
 * The read units of the observer's reads, as DynamoDB bills them: a GetItem or a Query by the whole
 * items it reads, whatever it projects, rounded up to 4 KB (a Query over the sum of its items). The
 * version is read from the latest forecast's head item and the lookup from history's items,
 * eventually consistent; the record and the sample strongly. A lookup reads the forecasts made since
 * the plant's previous comparing batch (`forecastsBetween`, at least one item, at most a page), as a
 * warm container does; each horizon's forecast in effect is read whole, eventually consistent, as if
 * none were in the container's cache (an upper bound: at a real plant's rate, the forecasts in effect
 * of a batch are not those of the batch before).
 */
export function observerReadUnits(
  inputs: Pick<CostInputs, 'forecastBytes' | 'accuracyRecordBytes'>,
  settings: Pick<StackCostSettings, 'forecastChunkBytes' | 'observerHorizons' | 'observerLookupPage'>,
  forecastsBetween: number,
): ObserverReadUnits {
  const chunks = Math.max(1, Math.ceil(inputs.forecastBytes / settings.forecastChunkBytes));
  const headItemBytes = Math.min(inputs.forecastBytes, settings.forecastChunkBytes) + FORECAST_HEAD_BYTES;
  const forecastItemsBytes = inputs.forecastBytes + chunks * FORECAST_HEAD_BYTES + RECOMMENDATIONS_BYTES;
  const lookupBytes = Math.min(
    QUERY_PAGE_BYTES,
    Math.min(settings.observerLookupPage, Math.max(1, forecastsBetween)) * forecastItemsBytes,
  );
  return {
    plantBatch: eventualReadUnits(headItemBytes) + readUnits(inputs.accuracyRecordBytes),
    comparingBatch:
      eventualReadUnits(lookupBytes) + settings.observerHorizons * eventualReadUnits(forecastItemsBytes),
    sample: readUnits(1),
  };
}

/** The cost per month of the twin's stack for `inputs`, line by line. */
export function costPerMonth(
  inputs: CostInputs,
  settings: StackCostSettings,
  prices: Prices = PRICES,
): CostEstimate {
  const { plants } = inputs;
  const eventsPerSecond = (plants * inputs.eventsPerDayPerPlant) / 86_400;
  const plantEventsPerSecond = inputs.eventsPerDayPerPlant / 86_400;
  const events = eventsPerSecond * SECONDS_PER_MONTH;
  const lines: CostLine[] = [];
  const line = (service: string, item: string, quantity: number, price: Price) =>
    lines.push({
      service,
      item,
      quantity,
      unit: price.unit,
      unitPrice: price.usd,
      cost: quantity * price.usd,
    });
  const gbSecond = settings.architecture === 'arm64' ? prices.lambdaArmGbSecond : prices.lambdaX86GbSecond;

  // Kinesis: the shards are paid by the hour, busy or not; each record is one PUT payload unit per 25 KB.
  const shards = settings.streamShards;
  line(
    'Kinesis Data Streams',
    'order-events: shard-hours',
    shards * HOURS_PER_MONTH,
    prices.kinesisShardHour,
  );
  const putUnits = events * Math.ceil(inputs.eventBytes / (25 * 1024));
  line('Kinesis Data Streams', 'order-events: PUT payload units', putUnits, prices.kinesisPutPayloadUnit);
  const streamShardUse = Math.max(
    eventsPerSecond / (1000 * shards),
    (eventsPerSecond * inputs.eventBytes) / (1024 * 1024 * shards),
  );

  // Ingest: Lambda polls each shard about once a second and invokes with what it found; each event
  // is one conditional UpdateItem of its order's item, in the table and in the active-orders index.
  const ingestInvocations = busyWindows(eventsPerSecond, 0, shards);
  const ingestMs = Math.max(1, Math.ceil((events / ingestInvocations) * inputs.ingestMsPerEvent));
  line('Lambda', 'ingest: requests', ingestInvocations, prices.lambdaRequest);
  line(
    'Lambda',
    `ingest: GB-seconds (${settings.ingestMemoryMb} MB, ${ingestMs} ms an invocation)`,
    (ingestInvocations * ingestMs * settings.ingestMemoryMb) / 1000 / 1024,
    gbSecond,
  );
  line(
    'DynamoDB',
    'order-state: writes (ingest, table and active-orders index)',
    events * 2 * writeUnits(inputs.orderItemBytes),
    prices.dynamoWriteRequestUnit,
  );

  // Forecast: one invocation per window with changes in it (on each stream shard); each plant the
  // window touched is forecast once. Its time is counted in full for every plant, as if the plants of
  // a batch were forecast one after the other: an upper bound, since their reads and writes overlap.
  const forecastInvocations = busyWindows(
    eventsPerSecond,
    settings.forecastWindowSeconds,
    inputs.tableStreamShards,
  );
  const plantForecasts =
    plants * busyWindows(plantEventsPerSecond, settings.forecastWindowSeconds, inputs.tableStreamShards);
  line('Lambda', 'forecast: requests', forecastInvocations, prices.lambdaRequest);
  line(
    'Lambda',
    `forecast: GB-seconds (${settings.forecastMemoryMb} MB, ${round(inputs.forecastMs, 1)} ms a plant's forecast)`,
    (plantForecasts * Math.ceil(inputs.forecastMs) * settings.forecastMemoryMb) / 1000 / 1024,
    gbSecond,
  );
  // Reads: the plant's active orders (a Query of the sparse index), its station items (a Query), its
  // calibration (a GetItem); all eventually consistent.
  const forecastReads =
    eventualReadUnits(inputs.activeOrdersPerPlant * inputs.orderItemBytes) +
    eventualReadUnits(1) +
    eventualReadUnits(1);
  line(
    'DynamoDB',
    'order-state and forecasts: reads (forecast: active orders, stations, calibration)',
    plantForecasts * forecastReads,
    prices.dynamoReadRequestUnit,
  );
  // Writes: the forecast in history and as the latest (a transaction, at twice the units, once it
  // is more than one chunk), the plant's summary item, and its recommendations in both places (as
  // if every forecast had orders late: an upper bound).
  const chunks = Math.max(1, Math.ceil(inputs.forecastBytes / settings.forecastChunkBytes));
  const forecastItemUnits = writeUnits(inputs.forecastBytes + chunks * FORECAST_HEAD_BYTES);
  const forecastWrites =
    forecastItemUnits * (chunks > 1 ? 3 : 2) +
    writeUnits(FORECAST_HEAD_BYTES) +
    2 * writeUnits(RECOMMENDATIONS_BYTES);
  line(
    'DynamoDB',
    'forecasts: writes (latest, history, plant summary, recommendations)',
    plantForecasts * forecastWrites,
    prices.dynamoWriteRequestUnit,
  );

  // Observer: its own mapping on the same stream, with no filter. Each invocation reads, for each
  // plant with a change in it (and for the default plant), the latest forecast's version and the
  // accuracy record. A plant's batch that finishes a step or brings material also looks the forecast
  // in effect up and reads it for each horizon, and rewrites the record; the default plant's keeps a
  // calibration sample.
  const observerInvocations = busyWindows(
    eventsPerSecond,
    settings.observerWindowSeconds,
    inputs.tableStreamShards,
  );
  const plantBatches =
    plants * busyWindows(plantEventsPerSecond, settings.observerWindowSeconds, inputs.tableStreamShards) +
    (plants > 1 ? observerInvocations : 0);
  const plantComparingBatches = busyWindows(
    plantEventsPerSecond * inputs.observedShare,
    settings.observerWindowSeconds,
    inputs.tableStreamShards,
  );
  const comparingBatches = plants * plantComparingBatches;
  line('Lambda', 'observer: requests', observerInvocations, prices.lambdaRequest);
  line(
    'Lambda',
    `observer: GB-seconds (${settings.observerMemoryMb} MB, ${inputs.observerMs} ms an invocation)`,
    (observerInvocations * inputs.observerMs * settings.observerMemoryMb) / 1000 / 1024,
    gbSecond,
  );
  const observerReads = observerReadUnits(inputs, settings, plantForecasts / comparingBatches);
  line(
    'DynamoDB',
    'forecasts: reads (observer: version, accuracy record, history lookup, forecasts in effect, sample)',
    plantBatches * observerReads.plantBatch +
      comparingBatches * observerReads.comparingBatch +
      plantComparingBatches * observerReads.sample,
    prices.dynamoReadRequestUnit,
  );
  line(
    'DynamoDB',
    'forecasts: writes (observer: accuracy record, calibration sample)',
    comparingBatches * writeUnits(inputs.accuracyRecordBytes) + plantComparingBatches,
    prices.dynamoWriteRequestUnit,
  );

  // The table's stream: Lambda polls each shard four times a second for each of its two mappings.
  line(
    'DynamoDB Streams',
    'order-state stream: GetRecords by the two mappings (free for Lambda)',
    2 * 4 * SECONDS_PER_MONTH * inputs.tableStreamShards,
    prices.dynamoStreamReadByLambda,
  );

  // Storage: delivered orders stay in order-state (it grows by a month's orders every month: this is
  // the first month's); a forecast (and its recommendations) stays in history for historyDays.
  const orders = events / inputs.eventsPerOrder;
  const orderStateGb =
    (orders + plants * inputs.activeOrdersPerPlant) * (inputs.orderItemBytes + ITEM_OVERHEAD_BYTES);
  const historyGb =
    (plantForecasts / DAYS_PER_MONTH) *
    settings.historyDays *
    (inputs.forecastBytes +
      chunks * (FORECAST_HEAD_BYTES + ITEM_OVERHEAD_BYTES) +
      RECOMMENDATIONS_BYTES +
      ITEM_OVERHEAD_BYTES);
  const storedGb = (orderStateGb + historyGb) / GB;
  line(
    'DynamoDB',
    'storage (order-state after a month, forecast history)',
    storedGb,
    prices.dynamoStorageGbMonth,
  );
  if (settings.pointInTimeRecovery) {
    line('DynamoDB', 'point-in-time recovery of the same', storedGb, prices.dynamoPitrGbMonth);
  }

  // Logs and traces of the three stream functions; alarms and the dashboard's secret.
  const invocations = ingestInvocations + forecastInvocations + observerInvocations;
  line(
    'CloudWatch',
    'logs ingested (ingest, forecast, observer)',
    (invocations * inputs.logBytesPerInvocation) / GB,
    prices.cloudWatchLogsIngestedGb,
  );
  line(
    'X-Ray',
    'traces recorded (1 a second and 5 % of the rest, per function)',
    sampledTraces(ingestInvocations) +
      sampledTraces(forecastInvocations) +
      sampledTraces(observerInvocations),
    prices.xrayTraceRecorded,
  );
  line('CloudWatch', 'alarms', settings.alarms, prices.cloudWatchAlarmMonth);
  line('Secrets Manager', "dashboard's token", settings.secrets, prices.secretMonth);

  return {
    inputs,
    settings,
    lines,
    figures: {
      eventsPerSecond,
      streamShardUse,
      events,
      ingestInvocations,
      forecastInvocations,
      plantForecasts,
      observerInvocations,
    },
    total: lines.reduce((sum, l) => sum + l.cost, 0),
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The forecast handler's figures of docs/benchmark-results.md: one row per size. */
export interface ForecastHandlerFigure {
  activeOrders: number;
  warmMs: number;
  storedBytes: number;
}

/** Figures the cost model takes from docs/benchmark-results.md. */
export interface BenchmarkFigures {
  forecastHandler: ForecastHandlerFigure[];
  /** The ingest's events per second on DynamoDB Local. */
  ingestEventsPerSecond: number;
}

/** docs/benchmark-results.md lacks what the cost model reads from it. */
export class BenchmarkFiguresError extends Error {
  override name = 'BenchmarkFiguresError';
}

/** The rows of the first table under the heading `## <heading…>`, as objects by column name. */
function tableUnder(markdown: string, heading: string): Record<string, string>[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${heading}`));
  if (start < 0) throw new BenchmarkFiguresError(`no section "## ${heading}"`);
  const rows: string[][] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.startsWith('## ')) break;
    if (l.startsWith('|'))
      rows.push(
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    else if (rows.length > 0) break;
  }
  const [header, , ...body] = rows;
  if (header === undefined || body.length === 0)
    throw new BenchmarkFiguresError(`no table under "## ${heading}"`);
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function numberIn(row: Record<string, string>, column: string, section: string): number {
  const text = row[column];
  const n = text === undefined ? Number.NaN : Number(text.replaceAll(',', ''));
  if (!Number.isFinite(n)) {
    throw new BenchmarkFiguresError(
      `"## ${section}": column "${column}" holds no number (${JSON.stringify(text)})`,
    );
  }
  return n;
}

const FORECAST_HANDLER_SECTION = 'Forecast handler on DynamoDB Local';
const INGEST_SECTION = 'Ingest on kinesalite and DynamoDB Local';

/** The forecast handler's and the ingest's figures in docs/benchmark-results.md (its text). */
export function benchmarkFigures(markdown: string): BenchmarkFigures {
  const forecastHandler = tableUnder(markdown, FORECAST_HANDLER_SECTION).map((row) => ({
    activeOrders: numberIn(row, 'active orders', FORECAST_HANDLER_SECTION),
    warmMs: numberIn(row, 'warm ms', FORECAST_HANDLER_SECTION),
    storedBytes: numberIn(row, 'stored KB', FORECAST_HANDLER_SECTION) * 1024,
  }));
  const [ingest] = tableUnder(markdown, INGEST_SECTION);
  return {
    forecastHandler: forecastHandler.sort((a, b) => a.activeOrders - b.activeOrders),
    ingestEventsPerSecond: numberIn(ingest!, 'ingest events/s', INGEST_SECTION),
  };
}

/**
 * The measured figures for a plant of `activeOrders`: the warm forecast time of the benchmark's
 * nearest size (by ratio), the stored size interpolated between the sizes around it (a forecast's
 * size grows with its orders), and the ingest's time per event.
 */
export function measuredInputs(
  figures: BenchmarkFigures,
  activeOrders: number,
): { forecastMs: number; forecastBytes: number; ingestMsPerEvent: number; forecastMsFrom: number } {
  const rows = figures.forecastHandler;
  const distance = (r: ForecastHandlerFigure) => Math.abs(Math.log(activeOrders / r.activeOrders));
  const nearest = rows.reduce((a, b) => (distance(b) < distance(a) ? b : a));
  const above = rows.find((r) => r.activeOrders >= activeOrders);
  const below = [...rows].reverse().find((r) => r.activeOrders <= activeOrders);
  const forecastBytes =
    above && below && above !== below
      ? below.storedBytes +
        ((above.storedBytes - below.storedBytes) * (activeOrders - below.activeOrders)) /
          (above.activeOrders - below.activeOrders)
      : ((above ?? below)!.storedBytes * activeOrders) / (above ?? below)!.activeOrders;
  return {
    forecastMs: nearest.warmMs,
    forecastMsFrom: nearest.activeOrders,
    forecastBytes: Math.round(forecastBytes),
    ingestMsPerEvent: 1000 / figures.ingestEventsPerSecond,
  };
}

/** `$1,234.56`, `$0.05`, `$0.0004` (a cost too small for cents shows its first digits). */
export function usd(n: number): string {
  if (n === 0) return '$0';
  if (n < 0.01) return `$${n.toPrecision(1)}`;
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `12,345`, `1.2 M`, `0.42`: a quantity a reader can take in. */
export function quantity(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toLocaleString('en-US', { maximumFractionDigits: 2 })} M`;
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

/** A unit price: `$0.015`, `$0.0000133334`, `$0.625 per million`. */
export function unitPrice(n: number): string {
  if (n === 0) return '$0';
  if (n < 1e-5 && n * 1e6 >= 0.001) return `$${Number((n * 1e6).toPrecision(6))} per million`;
  return `$${Number(n.toPrecision(6))}`;
}

/** The estimate as a Markdown table (docs/cost.md holds these, checked by a test). */
export function costTableMarkdown(estimate: CostEstimate): string {
  const rows = estimate.lines.map(
    (l) =>
      `| ${l.service} | ${l.item} | ${quantity(l.quantity)} | ${l.unit} | ${unitPrice(l.unitPrice)} | ${usd(l.cost)} |`,
  );
  return [
    '| service | item | quantity a month | unit | unit price | cost a month |',
    '|---|---|---:|---|---:|---:|',
    ...rows,
    `| **total** | | | | | **${usd(estimate.total)}** |`,
  ].join('\n');
}

/** One row per estimate: plants, events a second, forecasts and invocations a month, total (docs/cost.md). */
export function costSummaryMarkdown(estimates: readonly CostEstimate[]): string {
  return [
    '| plants | events/s in all | plant forecasts a month | forecast invocations a month | cost a month |',
    '|---:|---:|---:|---:|---:|',
    ...estimates.map(
      (e) =>
        `| ${e.inputs.plants} | ${quantity(e.figures.eventsPerSecond)} | ${quantity(e.figures.plantForecasts)} | ${quantity(e.figures.forecastInvocations)} | ${usd(e.total)} |`,
    ),
  ].join('\n');
}

/** The prices the model uses, with their units and pages (docs/cost.md). */
export function pricesMarkdown(prices: Prices = PRICES): string {
  return [
    '| what | unit | price | source |',
    '|---|---|---:|---|',
    ...Object.values(prices).map((p) => `| ${p.what} | ${p.unit} | ${unitPrice(p.usd)} | ${p.source} |`),
  ].join('\n');
}
