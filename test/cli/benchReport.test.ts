// What `twin bench all` reports, from given results (no benchmark runs here): the generated
// docs/benchmark-results.md with one table per benchmark and its peer beside it, a benchmark that
// could not run reported as not measured, and the live plant the latency benchmark feeds the twin.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ForecastHandlerBenchRow } from '../../bench/forecastHandlerBench.ts';
import type { ForecastProcessResult } from '../../bench/forecastProcessBench.ts';
import type { IngestBenchResult } from '../../bench/ingestBench.ts';
import {
  ESM_REQUIRE_SHIM,
  FORECAST_LAMBDA_NODE_OPTIONS,
  type LambdaColdRow,
} from '../../bench/lambdaColdBench.ts';
import {
  isSustained,
  type LatencyBenchResult,
  type LatencyRow,
  notSustainedBecause,
} from '../../bench/latencyBench.ts';
import { liveEvents } from '../../bench/liveEvents.ts';
import type { PlantsBenchResult } from '../../bench/plantsBench.ts';
import type { ForecastBenchResult } from '../../bench/workloads.ts';
import { measureAll, SUITES } from '../../cli/commands/bench/all.ts';
import type { SuiteContext } from '../../cli/commands/bench/benchmark.ts';
import {
  type AllResults,
  markdownTable,
  resultsMarkdown,
  resultsText,
  thisMachine,
} from '../../cli/commands/bench/results.ts';
import { ORDER_EVENT_TYPES } from '../../contracts/events.ts';
import { twin } from '../support/cli.ts';

const forecast = (orders: number, replications?: number, threads?: number): ForecastBenchResult => ({
  orders,
  ...(replications !== undefined && { replications, threads: threads ?? 1 }),
  freshMs: 120,
  medianMs: 12,
  minMs: 11,
  events: orders * 5,
  runs: 15,
  warmupRuns: 30,
  nodeOptions: ['--max-semi-space-size=128'],
});
const ingest: IngestBenchResult = {
  events: 10_000,
  batchSize: 500,
  concurrency: 16,
  pipelinePerSecond: 900,
  rawPerSecond: 1_000,
  callsPerEvent: 1,
  cpuMicrosPerEvent: 650,
};
const handlerRow = (orders: number): ForecastHandlerBenchRow => ({
  orders,
  coldMs: 400,
  runs: 5,
  warmMs: 60,
  readMs: 30,
  simulateMs: 10,
  writeMs: 20,
  calls: 3,
  storedBytes: 54_000,
});
const forecastProcess: ForecastProcessResult = {
  rows: [
    { orders: 0, twinMs: 90, twinMinMs: 85, simpyMs: 45, simpyMinMs: 40, agreed: 0 },
    { orders: 1_000, twinMs: 120, twinMinMs: 110, simpyMs: 60, simpyMinMs: 55, agreed: 1_000 },
    { orders: 10_000, twinMs: 300, twinMinMs: 280, simpyMs: 330, simpyMinMs: 320, agreed: 10_000 },
  ],
  nodeAloneMs: 40,
  pythonAloneMs: 30,
  rounds: 10,
};
const lambdaCold: LambdaColdRow[] = [
  { orders: 1_000, startMs: 30, loadMs: 150, firstMs: 400, warmMs: 100, processes: 3, warmRuns: 5 },
  { orders: 10_000, startMs: 30, loadMs: 150, firstMs: 1_200, warmMs: 600, processes: 3, warmRuns: 5 },
  {
    orders: 10_000,
    monteCarlo: { replications: 100, threads: 2 },
    startMs: 30,
    loadMs: 160,
    firstMs: 2_500,
    warmMs: 1_800,
    processes: 3,
    warmRuns: 5,
  },
];
const row = (rate: number, p95Ms = 1_100): LatencyRow => ({
  rate,
  activeOrders: Math.max(40, rate),
  events: rate * 10,
  p50Ms: 700,
  p95Ms,
  maxMs: 1_300,
  backlogAtEnd: 0,
  lost: 0,
});
const latency: LatencyBenchResult = {
  batchingWindowMs: 1_000,
  rows: [row(10), row(100), { ...row(100, 1_400), activeOrders: 1_000, replications: 100 }],
  sustainRuns: [
    { ...row(611), sustained: true },
    { ...row(856), sustained: true },
    { ...row(1_100, 9_000), sustained: false },
  ],
  sustainedPerSecond: 856,
  rawPerSecond: 1_223,
  sustainSeconds: 15,
};

/** A context whose processes answer with canned results: `bundle` by the benchmark named, `sources` fails as a child without Java does. */
function cannedContext(): SuiteContext & { calls: string[][] } {
  const calls: string[][] = [];
  const javaMissing = Object.assign(new Error('Command failed: node bin/twin.cjs bench latency --json'), {
    stderr: 'twin: DynamoDB Local needs a Java runtime 17+ (no `java` found on the PATH): install one\n',
  });
  return {
    calls,
    python: undefined,
    quick: true,
    progress: () => {},
    async bundle(args) {
      calls.push(args);
      const option = (name: string) => Number(args[args.indexOf(name) + 1]);
      switch (args[1]) {
        case 'casymda':
          return { endTime: 50_000, events: 24_999, wallMs: 20, freshMs: 90, peakRssMb: 120 };
        case 'mm1': {
          const customers = option('--customers');
          return {
            endTime: customers * 1.1,
            customers,
            events: 5 * customers + 2,
            wallMs: 40,
            meanTimeInSystem: 9.93,
            freshMs: 110,
          };
        }
        case 'forecast':
          return forecast(
            option('--orders'),
            args.includes('--replications') ? option('--replications') : undefined,
          );
        case 'ingest':
          return ingest;
        case 'forecast-handler':
          return [handlerRow(100), handlerRow(1_000), handlerRow(10_000)];
        case 'forecast-process':
          return forecastProcess;
        case 'lambda-cold':
          return lambdaCold;
        case 'whatif':
          return whatIfRow(
            option('--orders'),
            option('--variants'),
            option('--replications'),
            args.includes('--threads') ? option('--threads') : 2,
          );
        default:
          throw new Error(`unexpected ${args.join(' ')}`);
      }
    },
    async sources() {
      throw javaMissing;
    },
    async wallMs(args) {
      return args[0] === '-e' ? 70 : 110;
    },
  };
}

const machine = { ...thisMachine(new Date('2026-12-01T10:00:00Z')), cpu: 'Test CPU @ 2.0GHz', cores: 2 };
const measured = (results: Record<string, unknown>): AllResults => ({
  machine,
  command: 'npm run bench',
  results,
});
const casymda = {
  rows: [
    {
      entities: 100_000,
      interArrival: 0,
      events: 250_000,
      freshMs: 200,
      warmMs: 100,
      warmWithPercentilesMs: 130,
      peakRssMb: 150,
      simpyMs: 2_000,
    },
  ],
};
const mm1 = {
  rows: [
    {
      customers: 1_000_000,
      events: 5_000_002,
      freshMs: 1_000,
      warmMs: 500,
      meanTimeInSystem: 9.8193,
      simpy: { events: 6_000_002, wallMs: 15_000, meanTimeInSystem: 9.7295 },
    },
  ],
};
const whatIfRow = (orders: number, variants: number, replications: number, threads = 2) => ({
  threads,
  orders,
  variants,
  replications,
  freshMs: 3_000,
  medianMs: 1_100,
  minMs: 1_000,
  events: 2_800_000,
  runs: 5,
});
const plants: PlantsBenchResult = {
  plants: 50,
  ordersPerPlant: 200,
  rate: 200,
  seconds: 300,
  events: 60_000,
  notIngested: 0,
  lost: 0,
  p50Ms: 1_400,
  p95Ms: 2_300,
  maxMs: 3_100,
  worstPlantP95Ms: 2_600,
  p95ByMinuteMs: [2_200, 2_300, 2_250, 2_400, 2_350],
  plantsForecast: 50,
  forecastsWritten: 14_000,
  rss: { startMb: 300, peakMb: 420.5, endMb: 410, slopeMbPerMin: 0.4 },
  heapUsed: { startMb: 90, peakMb: 160, endMb: 120, slopeMbPerMin: -1.2 },
};
const every = {
  startup: [
    { process: 'Node.js alone: node -e 0', medianMs: 70, minMs: 65 },
    { process: 'twin --help', medianMs: 95, minMs: 90 },
  ],
  casymda,
  mm1,
  forecasts: [forecast(1_000), forecast(10_000), forecast(1_000, 100), forecast(1_000, 100, 2)],
  forecastProcess,
  ingest,
  forecastHandler: [handlerRow(100), handlerRow(1_000), handlerRow(10_000)],
  lambdaCold,
  latency,
  plants,
  whatif: [whatIfRow(1_000, 10, 100)],
};

describe('docs/benchmark-results.md', () => {
  it('opens with how it is made, the machine and the command', () => {
    const doc = resultsMarkdown(measured(every), SUITES);

    expect(doc.split('\n').slice(0, 9)).toEqual([
      '# Benchmark results',
      '',
      'Generated by `npm run bench`: do not edit by hand.',
      '',
      `- Machine: Test CPU @ 2.0GHz, 2 cores, ${machine.memoryGb} GB memory`,
      `- Node.js ${process.versions.node}, every measurement with \`--max-semi-space-size=128\``,
      '- Date: 2026-12-01',
      '- Command: `npm run bench`',
      '',
    ]);
  });

  it('has one table per benchmark, each under a title and a line saying what it measures', async () => {
    const results = await measureAll({
      ...cannedContext(),
      sources: async (args) => (args[1] === 'plants' ? plants : latency),
    });

    const doc = resultsMarkdown(measured(results), SUITES);

    const tables = SUITES.flatMap((s) => s.tables);
    const titles = doc.match(/^## .*$/gm);
    expect(titles).toEqual(tables.map((t) => `## ${t.title}`));
    for (const t of tables) {
      const section = doc.split(`## ${t.title}\n`)[1]!.split('\n## ')[0]!;
      expect(section.trim().split('\n')[0]).toBe(t.measures);
      expect(section).toMatch(/^\|---/m);
    }
    expect(doc).not.toMatch(/^not measured/m);
  });

  it('puts each peer beside: Node.js alone by the command line, SimPy by the kernel (and the M/M/1 theory), the raw DynamoDB Local rate by the ingest and the sustained rate', () => {
    const doc = resultsMarkdown(measured(every), SUITES);

    expect(doc).toContain('| Node.js alone: node -e 0 | 70 | 65 | - |');
    expect(doc).toContain('| twin --help | 95 | 90 | 25 |');
    expect(doc).toContain(
      '| 100,000 | 0 | 250,000 | 200 | 100 | 130 | 2,500,000 | 150 | 2,000 | 10x / 20x |',
    );
    expect(doc).toContain(
      '| 1,000,000 | 5,000,002 | 1,000 | 500 | 10,000,004 | 6,000,002 | 15,000 | 400,000 | 15x / 30x | 9.82 | 9.73 | 10.00 |',
    );
    expect(doc).toContain('| 10,000 | 900 | 1,000 | 90 % | 1 | 650 |');
    expect(doc).toContain('| 1,000 | 10 | 100 | 2 | 1,111 | 3,000 | 1,100 | 0.99 | 2,800,000 |');
    expect(doc).toContain('| 856 | 1,223 | 611: yes, 856: yes, 1,100: no (p95 9.0 s) |');
    // The deterministic forecast, then the risk-aware one of a plant of 1,000 active orders.
    expect(doc).toContain('| 100 | 100 | deterministic | 1,000 | 700 | 1,100 | 1,300 | 0 |');
    expect(doc).toContain('| 100 | 1,000 | Monte Carlo, 100 draws | 1,000 | 700 | 1,400 | 1,300 | 0 |');
    expect(doc).toContain(
      '| process start alone: node -e 0, python3 -c "import simpy" | 40 | 30 | 0.75x | - |',
    );
    expect(doc).toContain('| 10,000 | 300 | 330 | 1.1x | 10,000 of 10,000 |');
  });

  it('sets the first forecast beside the warm one, and the Lambda cold start beside its warm invocation', () => {
    const doc = resultsMarkdown(measured(every), SUITES);

    expect(doc).toContain('| - | deterministic | - | 1,000 | 120 | 12 | 11 | 10x | 5,000 |');
    // A Monte Carlo forecast on one thread and on two, side by side.
    expect(doc).toContain('| - | Monte Carlo, 100 draws | 1 | 1,000 | 120 | 12 | 11 | 10x | 5,000 |');
    expect(doc).toContain('| - | Monte Carlo, 100 draws | 2 | 1,000 | 120 | 12 | 11 | 10x | 5,000 |');
    expect(doc).toContain('| 10,000 | deterministic | 1,024 | 30 | 150 | 1,200 | 600 | 2x |');
    // The Monte Carlo function with the memory that buys it a vCPU per thread.
    expect(doc).toContain('| 10,000 | 100 draws, 2 threads | 3,538 | 30 | 160 | 2,500 | 1,800 | 1.4x |');
  });

  it("measures the Lambda's cold start as a deterministic function and as a Monte Carlo one of 100 draws on every core", async () => {
    const context = cannedContext();

    await measureAll(context);

    const cold = context.calls.filter((args) => args[1] === 'lambda-cold');
    expect(cold).toEqual([
      [
        'bench',
        'lambda-cold',
        '--replications',
        '100',
        '--threads',
        String(Math.min(6, availableParallelism())),
        '--json',
      ],
    ]);
  });

  it("reports the plants at scale: nothing lost, event to its plant's forecast, and the memory over the run", () => {
    const doc = resultsMarkdown(measured(every), SUITES);

    expect(doc).toContain(
      '| 50 × 200 | 200 | 60,000 | 0 | 0 | 1,400 | 2,300 | 2,600 | 2,200 · 2,300 · 2,250 · 2,400 · 2,350 | 300 → 410 (peak 420.5; +0.4 MB/min in the second half) | 90 → 120 (peak 160; -1.2 MB/min in the second half) |',
    );
  });

  it('gives the highest sustained rate as a lower bound when every rate tried was sustained', () => {
    const everyOneSustained = { ...latency, sustainRuns: latency.sustainRuns.slice(0, 2) };

    const doc = resultsMarkdown(measured({ ...every, latency: everyOneSustained }), SUITES);

    expect(doc).toContain('| at least 856 | 1,223 | 611: yes, 856: yes |');
  });

  it('reports a benchmark that could not run as not measured, with the reason its process gave, and measures the rest', async () => {
    const context = cannedContext();

    const results = await measureAll(context);
    const doc = resultsMarkdown(measured(results), SUITES);
    const text = resultsText(measured(results), SUITES);

    expect(results.latency).toEqual({
      notMeasured: 'DynamoDB Local needs a Java runtime 17+ (no `java` found on the PATH): install one',
    });
    for (const title of SUITES.find((s) => s.key === 'latency')!.tables.map((t) => t.title)) {
      expect(doc).toContain(`## ${title}`);
      expect(text).toContain(title);
    }
    // Latency's two tables and the plants' one: each says so.
    expect(doc.match(/^not measured: DynamoDB Local needs a Java runtime 17\+/gm)).toHaveLength(3);
    expect(text.match(/^not measured: DynamoDB Local needs a Java runtime 17\+/gm)).toHaveLength(3);
    expect(results.ingest).toEqual(ingest);
    // Without SimPy, the kernel is measured alone and the SimPy column says why it is empty.
    expect(doc).toMatch(
      /^\| 10,000 \| 0 \| 24,999 \| 90 \| 20 \| 20 \| .* \| not measured: python3 cannot import simpy \(Debian: apt-get install python3-simpy3\) \| - \|$/m,
    );
    expect(doc).toMatch(
      /^\| 100,000 \| 500,002 \| 110 \| 40 \| 12,500,050 \| - \| not measured: python3 cannot import simpy .* \| - \| - \| 9.93 \| - \| 10.00 \|$/m,
    );
    // --quick: no 1,000,000-entity run; three processes per size and inter-arrival time, and one
    // that keeps every entity's time for the p95s.
    const casymdaRuns = context.calls.filter((args) => args[1] === 'casymda');
    expect(casymdaRuns).toHaveLength(2 * 2 * 4);
    expect(casymdaRuns.filter((args) => args.includes('--percentiles'))).toHaveLength(2 * 2);
    expect(casymdaRuns.every((args) => !args.includes('1000000'))).toBe(true);
    const mm1Runs = context.calls.filter((args) => args[1] === 'mm1');
    expect(mm1Runs).toHaveLength(3);
    expect(mm1Runs.every((args) => args.includes('100000') && args.includes('--warmup'))).toBe(true);
  });

  it('right-aligns columns of numbers and escapes pipes in cells', () => {
    expect(
      markdownTable([
        ['name', 'ms', 'share'],
        ['a|b', '1,200', '90 %'],
        ['c', '-', '10 %'],
      ]),
    ).toBe(
      ['| name | ms | share |', '|---|---:|---:|', '| a\\|b | 1,200 | 90 % |', '| c | - | 10 % |'].join('\n'),
    );
  });
});

describe('twin bench without Java', () => {
  it('says in one line that DynamoDB Local needs Java, without a stack trace', async () => {
    const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
    process.env.PATH = '/nonexistent';
    delete process.env.JAVA_HOME;
    try {
      const run = await twin('bench', 'ingest', '--events', '100');

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^twin: DynamoDB Local needs a Java runtime 17\+ .*\n$/);
      expect(run.stdout).toBe('');
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.JAVA_HOME !== undefined) process.env.JAVA_HOME = saved.JAVA_HOME;
    }
  });
});

describe('the sustained rate', () => {
  it('is sustained only with nothing lost, at most a second of events behind, and p95 under 5 s', () => {
    expect(isSustained(row(500))).toBe(true);
    expect(isSustained({ ...row(500), backlogAtEnd: 500 })).toBe(true);
    expect(isSustained({ ...row(500), lost: 1 })).toBe(false);
    expect(isSustained({ ...row(500), backlogAtEnd: 501 })).toBe(false);
    expect(isSustained(row(500, 5_000))).toBe(false);
    expect(notSustainedBecause(row(500))).toBeUndefined();
    expect(notSustainedBecause({ ...row(500), lost: 3 })).toBe('3 lost');
    expect(notSustainedBecause({ ...row(500), backlogAtEnd: 501 })).toBe('ingest 501 events behind');
    expect(notSustainedBecause(row(500, 5_000))).toBe('p95 5.0 s');
  });
});

describe('the live plant of the latency benchmark', () => {
  it('gives each order its life in order, times strictly increasing, and delivers every order left at the end', () => {
    const source = liveEvents('t', 50);

    const events = [...Array.from({ length: 230 }, source.next), ...source.finish()];

    const times = events.map((e) => Date.parse(e.occurredAt));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
    const lives = new Map<string, typeof events>();
    for (const e of events) lives.set(e.orderId, [...(lives.get(e.orderId) ?? []), e]);
    expect(lives.size).toBeGreaterThanOrEqual(50);
    for (const life of lives.values()) {
      const stages = life.map((e) => ORDER_EVENT_TYPES.indexOf(e.type));
      expect(stages).toEqual([...stages].sort((a, b) => a - b));
      expect(life.at(-1)!.type).toBe('OrderDelivered');
    }
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });
});

describe("the forecast Lambda's bundle in the cold-start benchmark", () => {
  it('is made with the banner and Node.js options of the stack', () => {
    const stack = readFileSync('lib/TwinFunction.ts', 'utf8');

    expect(stack).toContain(`const ESM_REQUIRE_SHIM =\n  ${JSON.stringify(ESM_REQUIRE_SHIM)};`);
    expect(stack).toContain("NODE_OPTIONS: ['--enable-source-maps', ...(props.nodeOptions ?? [])].join(' ')");
    expect(readFileSync('lib/ForecastPipeline.ts', 'utf8')).toContain('nodeOptions: [FORECAST_NODE_OPTIONS]');
    expect(FORECAST_LAMBDA_NODE_OPTIONS).toBe('--enable-source-maps --max-semi-space-size=128');
  });
});
