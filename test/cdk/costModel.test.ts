// The cost model's arithmetic on a small case checked by hand, its bounds, and how it reads the
// benchmark figures it takes its defaults from.
import { describe, expect, it } from 'vitest';
import {
  BenchmarkFiguresError,
  benchmarkFigures,
  busyWindows,
  type CostInputs,
  costPerMonth,
  costTableMarkdown,
  DEFAULT_INPUTS,
  measuredInputs,
  PRICES,
  type StackCostSettings,
  sampledTraces,
} from '../../lib/costModel.ts';

/** A month as AWS bills it: 730 hours. */
const SECONDS = 730 * 3600;

const settings: StackCostSettings = {
  streamShards: 1,
  architecture: 'arm64',
  ingestMemoryMb: 512,
  forecastMemoryMb: 1024,
  observerMemoryMb: 512,
  forecastWindowSeconds: 1,
  observerWindowSeconds: 1,
  historyDays: 14,
  forecastChunkBytes: 350_000,
  observerHorizons: 4,
  observerLookupPage: 8,
  alarms: 9,
  secrets: 1,
  pointInTimeRecovery: false,
};

/** Two plants of 8,640 events a day: 0.1 event/s each, 0.2 in all. */
const inputs: CostInputs = {
  ...DEFAULT_INPUTS,
  plants: 2,
  eventsPerDayPerPlant: 8_640,
  activeOrdersPerPlant: 100,
  forecastMs: 100,
  forecastBytes: 3_000,
  ingestMsPerEvent: 2,
  orderItemBytes: 400,
  eventBytes: 400,
};

const lineOf = (estimate: ReturnType<typeof costPerMonth>, item: string) => {
  const found = estimate.lines.find((l) => l.item.startsWith(item));
  if (found === undefined) throw new Error(`no line "${item}"`);
  return found;
};

describe('busyWindows', () => {
  it('counts the windows a month that hold at least one of Poisson arrivals', () => {
    // At one arrival a second, a 1 s window is empty with chance e^-1.
    expect(busyWindows(1, 1)).toBeCloseTo(SECONDS * (1 - Math.exp(-1)), 3);
  });

  it('is about the arrivals when they are rare, and never more than the windows when they are many', () => {
    expect(busyWindows(0.001, 1) / (0.001 * SECONDS)).toBeCloseTo(1, 3);
    expect(busyWindows(1_000, 1)).toBeCloseTo(SECONDS, 3);
    expect(busyWindows(1_000, 10)).toBeCloseTo(SECONDS / 10, 3);
  });

  it('spreads the arrivals over the shards, each with windows of its own', () => {
    expect(busyWindows(2, 1, 2)).toBeCloseTo(2 * SECONDS * (1 - Math.exp(-1)), 3);
  });
});

describe('sampledTraces', () => {
  it("records Lambda's first request of a second and 5 % of the others", () => {
    const invocations = 2 * SECONDS;
    const firsts = SECONDS * (1 - Math.exp(-2));
    expect(sampledTraces(invocations)).toBeCloseTo(firsts + 0.05 * (invocations - firsts), 3);
  });
});

describe('costPerMonth, two plants of 0.1 event/s each, checked by hand', () => {
  const estimate = costPerMonth(inputs, settings);
  // 0.2 events/s × 2,628,000 s.
  const events = 525_600;
  // Windows of 1 s with at least one of the 0.2 changes/s: 2,628,000 × (1 − e^−0.2).
  const invocations = 2_628_000 * 0.181_269_246_922_018;
  // Each plant: 2,628,000 × (1 − e^−0.1), twice.
  const plantForecasts = 2 * 2_628_000 * 0.095_162_581_964_040_4;

  it('bills the shard by the hour and one PUT payload unit per event', () => {
    expect(lineOf(estimate, 'order-events: shard-hours').cost).toBeCloseTo(730 * 0.015, 10);
    expect(lineOf(estimate, 'order-events: PUT payload units').quantity).toBeCloseTo(events, 6);
    expect(lineOf(estimate, 'order-events: PUT payload units').cost).toBeCloseTo(events * 0.014e-6, 10);
  });

  it('writes each event once to the order item and once to the active-orders index', () => {
    const writes = lineOf(estimate, 'order-state: writes');
    expect(writes.quantity).toBeCloseTo(2 * events, 6);
    expect(writes.cost).toBeCloseTo(2 * events * 0.625e-6, 10);
  });

  it("bills each plant's forecast in full at the forecast function's memory", () => {
    expect(estimate.figures.forecastInvocations).toBeCloseTo(invocations, 3);
    expect(estimate.figures.plantForecasts).toBeCloseTo(plantForecasts, 3);
    expect(lineOf(estimate, 'forecast: requests').cost).toBeCloseTo(invocations * 0.2e-6, 10);
    // 100 ms at 1 GB.
    const gbSeconds = lineOf(estimate, 'forecast: GB-seconds');
    expect(gbSeconds.quantity).toBeCloseTo(plantForecasts * 0.1, 3);
    expect(gbSeconds.cost).toBeCloseTo(plantForecasts * 0.1 * 0.000_013_333_4, 8);
  });

  it("reads a plant's active orders, stations and calibration, and writes its forecast twice, its summary and its recommendations twice", () => {
    // 100 orders × 400 B = 40,000 B: 10 units of 4 KB, halved (eventually consistent); 0.5 + 0.5 more.
    expect(lineOf(estimate, 'order-state and forecasts: reads').quantity).toBeCloseTo(plantForecasts * 6, 3);
    // 3,000 B and the head's 1 KB: 4 write units, in history and as the latest, 1 for the summary, and
    // 1,200 B of recommendations: 2 units, in history and beside the latest.
    expect(lineOf(estimate, 'forecasts: writes (latest').quantity).toBeCloseTo(plantForecasts * 13, 3);
  });

  it("reads, per plant's batch, the version and the record; per comparing batch, the forecasts made since the last and each horizon's", () => {
    // Each plant: batches with a change 2,628,000 × (1 − e^−0.1); with a finished step (2 events in
    // 7) 2,628,000 × (1 − e^−0.1×2/7); and the default plant's version and record on every invocation.
    const plantBatches = 2 * 2_628_000 * 0.095_162_581_964_040_4 + invocations;
    const comparing = 2_628_000 * -Math.expm1(-0.1 * (2 / 7));
    // Version: the 3,000 B forecast in a head of 1 KB more, 0.5 (eventual); the 4 KB record, 1.
    // Lookup: the 3.38 forecasts made between two comparing batches, each 3,000 B, a 1 KB head and
    // 1,200 B of recommendations: 17,651 B, 5 units of 4 KB, halved; 4 horizons' forecasts, 1 each.
    // Sample (the default plant's): 1.
    const between = plantForecasts / (2 * comparing);
    expect(between).toBeCloseTo(3.38, 2);
    expect(lineOf(estimate, 'forecasts: reads (observer').quantity).toBeCloseTo(
      plantBatches * 1.5 + 2 * comparing * (2.5 + 4) + comparing,
      3,
    );
    // The record (4 units) per plant's comparing batch, the sample (1) per the default plant's.
    expect(lineOf(estimate, 'forecasts: writes (observer').quantity).toBeCloseTo(
      2 * comparing * 4 + comparing,
      3,
    );
  });

  it('adds the fixed costs, leaves out backups when the tables have none, and sums its lines', () => {
    expect(lineOf(estimate, 'alarms').cost).toBeCloseTo(0.9, 10);
    expect(lineOf(estimate, "dashboard's token").cost).toBeCloseTo(0.4, 10);
    expect(estimate.lines.some((l) => l.item.startsWith('point-in-time'))).toBe(false);
    expect(estimate.total).toBeCloseTo(
      estimate.lines.reduce((sum, l) => sum + l.cost, 0),
      10,
    );
  });

  it('prices the stream reads of the Lambda mappings at nothing', () => {
    const reads = lineOf(estimate, 'order-state stream: GetRecords');
    expect(reads.quantity).toBeGreaterThan(0);
    expect(reads.cost).toBe(0);
  });
});

describe('costPerMonth as plants are added', () => {
  const month = (plants: number) => costPerMonth({ ...inputs, plants }, settings);

  it('grows every per-plant line with the plants and keeps the fixed ones', () => {
    const one = month(1);
    const hundred = month(100);
    expect(lineOf(hundred, 'order-state: writes').quantity).toBeCloseTo(
      100 * lineOf(one, 'order-state: writes').quantity,
      3,
    );
    expect(lineOf(hundred, 'order-events: shard-hours').cost).toBe(
      lineOf(one, 'order-events: shard-hours').cost,
    );
    // The 1 s windows fill up: fewer invocations than changes, but one forecast per plant touched.
    expect(hundred.figures.forecastInvocations).toBeLessThan(SECONDS);
    expect(hundred.figures.plantForecasts).toBeCloseTo(100 * one.figures.plantForecasts, 3);
  });

  it('prices x86 functions at the x86 GB-second', () => {
    const x86 = costPerMonth(inputs, { ...settings, architecture: 'x86_64' });
    expect(lineOf(x86, 'forecast: GB-seconds').unitPrice).toBe(PRICES.lambdaX86GbSecond.usd);
  });
});

const BENCHMARKS = `# Benchmark results

## Ingest on kinesalite and DynamoDB Local, beside DynamoDB Local

| events | ingest events/s | DynamoDB Local raw writes/s |
|---:|---:|---:|
| 10,000 | 400 | 397 |

## Forecast handler on DynamoDB Local: cold beside warm

| active orders | cold ms | warm ms | stored KB |
|---:|---:|---:|---:|
| 100 | 426.2 | 127.8 | 7 |
| 1,000 | 970.1 | 268.8 | 50 |
| 10,000 | 1,832.5 | 1,637 | 432 |

## Next
`;

describe('measured figures from docs/benchmark-results.md', () => {
  const figures = benchmarkFigures(BENCHMARKS);

  it("reads the forecast handler's warm time and stored size per size, and the ingest's rate", () => {
    expect(figures.forecastHandler).toEqual([
      { activeOrders: 100, warmMs: 127.8, storedBytes: 7 * 1024 },
      { activeOrders: 1000, warmMs: 268.8, storedBytes: 50 * 1024 },
      { activeOrders: 10_000, warmMs: 1637, storedBytes: 432 * 1024 },
    ]);
    expect(figures.ingestEventsPerSecond).toBe(400);
  });

  it('takes the time of the nearest size by ratio and interpolates the size', () => {
    expect(measuredInputs(figures, 200)).toEqual({
      forecastMs: 127.8,
      forecastMsFrom: 100,
      // 7 KB + (50 − 7) KB × 100 / 900.
      forecastBytes: Math.round(7 * 1024 + (43 * 1024 * 100) / 900),
      ingestMsPerEvent: 2.5,
    });
    expect(measuredInputs(figures, 400).forecastMsFrom).toBe(1000);
    expect(measuredInputs(figures, 20_000).forecastBytes).toBe(2 * 432 * 1024);
  });

  it('names the section it misses', () => {
    expect(() => benchmarkFigures('# Benchmark results\n')).toThrow(
      new BenchmarkFiguresError('no section "## Forecast handler on DynamoDB Local"'),
    );
  });
});

describe('costTableMarkdown', () => {
  it('writes one row per line and the total', () => {
    const estimate = costPerMonth(inputs, settings);
    const rows = costTableMarkdown(estimate).split('\n');
    expect(rows).toHaveLength(2 + estimate.lines.length + 1);
    expect(rows[2]).toBe(
      '| Kinesis Data Streams | order-events: shard-hours | 730 | shard-hour | $0.015 | $10.95 |',
    );
    expect(rows.at(-1)).toMatch(/^\| \*\*total\*\* \| \| \| \| \| \*\*\$[\d,.]+\*\* \|$/);
  });
});
