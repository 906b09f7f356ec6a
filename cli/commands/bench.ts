// `twin bench`: the speed and memory benchmarks (`npm run bench` runs them all).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { accuracyBench } from '../../bench/accuracyBench.ts';
import { forecastHandlerBench } from '../../bench/forecastHandlerBench.ts';
import { ingestBench } from '../../bench/ingestBench.ts';
import { latencyBench, SUSTAINED_TARGET } from '../../bench/latencyBench.ts';
import { casymda, forecastBench } from '../../bench/workloads.ts';
import { FORECAST_NODE_OPTIONS } from '../../contracts/resources.ts';
import { defineCommand, type Io, intOption, numberOption } from '../command.ts';
import { CliError } from '../errors.ts';
import { table } from '../format.ts';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** A fraction as a whole percentage: 0.703 → "70 %". */
const percent = (fraction: number) => `${Math.round(fraction * 100)} %`;

export const benchCommand = defineCommand({
  name: 'bench',
  positionals: '<casymda|forecast|ingest|forecast-handler|latency|accuracy|all>',
  summary:
    "Measure speed and memory: Casymda's benchmark model (beside SimPy, if installed), forecasts of 1,000 and 10,000 orders.",
  details: [
    'twin bench casymda --entities N --inter-arrival T --json   one run: { "endTime", "events", "wallMs" }',
    'twin bench forecast --orders N                              a deterministic forecast: fresh, and warm (median)',
    'twin bench forecast-handler                                 forecast handler latency for 100, 1,000 and',
    '                                                            10,000 active orders on DynamoDB Local',
    'twin bench latency                                          the embedded twin: PutRecords to forecast, p50/p95',
    '                                                            at 10, 100 and 1,000 events/s; sustained rate',
    'twin bench ingest --events N                                events/s through the ingest on kinesalite and',
    "                                                            DynamoDB Local, beside DynamoDB Local's raw rate",
    'twin bench accuracy --orders N                              twin accuracy on a history of 300 forecasts of N',
    "                                                            orders, every order finished (not in 'all')",
    'twin bench all                                              everything, each run in a fresh process of an',
    '                                                            esbuild bundle (as Lambda runs it); SimPy runs',
    '                                                            side by side when python3 can import simpy',
    '',
    `Every measurement runs with the Node.js options of npm start and the forecast Lambda (${FORECAST_NODE_OPTIONS}):`,
    'started without them, twin bench runs itself again with them.',
  ].join('\n'),
  options: {
    entities: { type: 'string', value: 'N', description: 'casymda: number of entities', default: '100000' },
    'inter-arrival': {
      type: 'string',
      value: 'T',
      description: 'casymda: time between arrivals',
      default: '0',
    },
    orders: { type: 'string', value: 'N', description: 'forecast: number of active orders', default: '1000' },
    replications: {
      type: 'string',
      value: 'N',
      description: 'forecast: a Monte Carlo forecast of N draws (the demo plant with uncertain times)',
    },
    events: { type: 'string', value: 'N', description: 'ingest: number of events', default: '10000' },
    memory: { type: 'boolean', description: 'casymda: add the peak resident memory (peakRssMb)' },
    warmup: {
      type: 'string',
      value: 'N',
      description: 'casymda: runs before the measured one, in the same process',
      default: '0',
    },
    quick: { type: 'boolean', description: 'all: skip the 1,000,000-entity runs' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, io, positionals) {
    const what = positionals[0];
    if (what === 'casymda') {
      const entities = intOption('entities', values.entities, 1)!;
      const interArrival = numberOption('inter-arrival', values['inter-arrival'])!;
      const warmups = intOption('warmup', values.warmup, 0)!;
      for (let i = 0; i < warmups; i++) casymda(entities, interArrival);
      const result = casymda(entities, interArrival);
      const out = values.memory
        ? { ...result, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }
        : result;
      io.out(
        values.json ? JSON.stringify(out) : `end time ${out.endTime}, ${out.events} events, ${out.wallMs} ms`,
      );
      return 0;
    }
    if (what === 'forecast') {
      const replications = intOption('replications', values.replications, 1);
      // A Monte Carlo forecast takes as long as that many forecasts: fewer runs.
      const result =
        replications === undefined
          ? forecastBench(intOption('orders', values.orders, 1)!)
          : forecastBench(intOption('orders', values.orders, 1)!, 5, 3, replications);
      io.out(
        values.json
          ? JSON.stringify(result)
          : `${result.orders} orders${replications === undefined ? '' : `, ${replications} replications`}: fresh ${result.freshMs} ms; warm median ${result.medianMs} ms (min ${result.minMs} ms, ${result.runs} runs after ${result.warmupRuns})`,
      );
      return 0;
    }
    if (what === 'ingest') {
      const result = await withProgress(io, (progress) =>
        ingestBench({ events: intOption('events', values.events, 100)!, progress }),
      );
      io.out(
        values.json
          ? JSON.stringify(result)
          : `${result.events} events: ${result.pipelinePerSecond}/s through the ingest, DynamoDB Local's raw rate ${result.rawPerSecond}/s ` +
              `(${percent(result.ofCeiling)}), ${result.callsPerEvent} DynamoDB calls and ${result.cpuMicrosPerEvent} µs CPU per event`,
      );
      return 0;
    }
    if (what === 'forecast-handler') {
      const rows = await withProgress(io, (progress) =>
        forecastHandlerBench([100, 1_000, 10_000], { progress }),
      );
      io.out(values.json ? JSON.stringify(rows) : forecastHandlerTable(rows));
      return 0;
    }
    if (what === 'latency') {
      const result = await withProgress(io, (progress) => latencyBench({ progress }));
      io.out(values.json ? JSON.stringify(result) : latencyTable(result));
      return 0;
    }
    if (what === 'accuracy') {
      const result = await withProgress(io, (progress) =>
        accuracyBench({ orders: intOption('orders', values.orders, 1)!, progress }),
      );
      io.out(
        values.json
          ? JSON.stringify(result)
          : `${result.forecastsRead} of ${result.forecastsInHistory} forecasts of ${result.orders} orders read and compared: ` +
              result.runs.map((r) => `${r.ms} ms (client CPU ${r.cpuMs} ms)`).join(', '),
      );
      return 0;
    }
    if (what === 'all') return benchAll(io, values.quick, values.json);
    throw new CliError(
      `twin bench: say what to measure: casymda, forecast, ingest, forecast-handler, latency, accuracy or all (see 'twin bench --help')`,
    );
  },
});

/** Progress on stderr: one line rewritten in a terminal, a line each otherwise. */
const progressTo = (io: Io) => (text: string) => io.err(io.interactive ? `\r\x1b[K${text}` : `${text}\n`);

/** Runs a long benchmark with its progress on stderr, cleared from a terminal once it is done. */
async function withProgress<T>(io: Io, run: (progress: (text: string) => void) => Promise<T>): Promise<T> {
  const result = await run(progressTo(io));
  if (io.interactive) io.err('\r\x1b[K');
  return result;
}

interface Row {
  entities: number;
  interArrival: number;
  endTime: number;
  events: number;
  /** First run in a fresh process (compilation included). */
  wallMs: number;
  /** After warm-up runs in the same process (as a warm Lambda or a long-lived service runs it). */
  warmMs: number;
  peakRssMb: number;
  eventsPerSecond: number;
  simpyMs?: number;
  speedup?: number;
  warmSpeedup?: number;
}

async function benchAll(io: Io, quick: boolean, json: boolean): Promise<number> {
  // Inside the project, so that the bundle resolves its (external) packages from node_modules.
  await mkdir(join(root, 'node_modules/.cache'), { recursive: true });
  const dir = await mkdtemp(join(root, 'node_modules/.cache/twin-bench-'));
  try {
    const bundle = join(dir, 'twin.mjs');
    const { build } = await import('esbuild');
    await build({
      stdin: {
        contents:
          "import { main } from './cli/main.ts'; process.exitCode = await main(process.argv.slice(2));",
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      packages: 'external',
      logLevel: 'error',
    });
    // The young generation the forecast Lambda and `npm start` run with (see lib/ForecastPipeline.ts).
    const child = async (args: string[]) =>
      JSON.parse((await run(process.execPath, [FORECAST_NODE_OPTIONS, bundle, ...args])).stdout);
    const python = await findSimpy();
    const progress = progressTo(io);

    const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
    const rows: Row[] = [];
    for (const entities of sizes) {
      for (const interArrival of [0, 10]) {
        progress(`casymda ${entities.toLocaleString('en')} entities, inter-arrival ${interArrival} ...`);
        const repeats = entities >= 1_000_000 ? 1 : 3;
        const runs = [];
        for (let i = 0; i < repeats; i++) {
          runs.push(
            await child([
              'bench',
              'casymda',
              '--entities',
              String(entities),
              '--inter-arrival',
              String(interArrival),
              '--memory',
              '--json',
            ]),
          );
        }
        runs.sort((a, b) => a.wallMs - b.wallMs);
        const r = runs[Math.floor(runs.length / 2)];
        const warm = [];
        for (let i = 0; i < repeats; i++) {
          const args = [
            'bench',
            'casymda',
            '--entities',
            String(entities),
            '--inter-arrival',
            String(interArrival),
          ];
          warm.push(await child([...args, '--warmup', entities >= 1_000_000 ? '1' : '2', '--json']));
        }
        warm.sort((a, b) => a.wallMs - b.wallMs);
        const w = warm[Math.floor(warm.length / 2)];
        const row: Row = {
          entities,
          interArrival,
          endTime: r.endTime,
          events: r.events,
          wallMs: r.wallMs,
          warmMs: w.wallMs,
          peakRssMb: r.peakRssMb,
          eventsPerSecond: Math.round((w.events / w.wallMs) * 1000),
        };
        // SimPy's resource queue pops from the front of a list, which is quadratic with 500,000 waiting: skipped at 1,000,000.
        if (python && entities <= 100_000) {
          progress(`simpy   ${entities.toLocaleString('en')} entities, inter-arrival ${interArrival} ...`);
          const simpy = [];
          for (let i = 0; i < repeats; i++) {
            const { stdout } = await run(python, [
              join(root, 'bench/casymda_simpy.py'),
              String(entities),
              String(interArrival),
            ]);
            simpy.push(JSON.parse(stdout));
          }
          simpy.sort((a, b) => a.wallMs - b.wallMs);
          row.simpyMs = simpy[Math.floor(simpy.length / 2)].wallMs;
          row.speedup = Math.round((row.simpyMs! / row.wallMs) * 10) / 10;
          row.warmSpeedup = Math.round((row.simpyMs! / row.warmMs) * 10) / 10;
        }
        rows.push(row);
      }
    }
    const forecasts = [];
    for (const orders of [1_000, 10_000]) {
      progress(`forecast of ${orders.toLocaleString('en')} active orders ...`);
      forecasts.push(await child(['bench', 'forecast', '--orders', String(orders), '--json']));
    }
    progress('Monte Carlo forecast of 1,000 active orders, 100 replications ...');
    const monteCarlo = await child([
      'bench',
      'forecast',
      '--orders',
      '1000',
      '--replications',
      '100',
      '--json',
    ]);
    progress('ingest of 10,000 events on kinesalite and DynamoDB Local ...');
    const ingest = await child(['bench', 'ingest', '--events', '10000', '--json']).catch(notMeasured);
    progress('forecast handler on DynamoDB Local ...');
    const handlerRows = await child(['bench', 'forecast-handler', '--json']).catch(notMeasured);
    progress('latency of the embedded twin ...');
    // The embedded twin serves its dashboard from the page's sources: run it from the project, not the bundle.
    const fromSources = async (args: string[]) =>
      JSON.parse(
        (await run(process.execPath, [FORECAST_NODE_OPTIONS, join(root, 'bin/twin.mjs'), ...args])).stdout,
      );
    const latency = await fromSources(['bench', 'latency', '--json']).catch(notMeasured);
    progress('done');
    if (!io.interactive) io.err('');
    else io.err('\n');

    if (json) {
      io.out(
        JSON.stringify(
          {
            node: process.versions.node,
            simpy: python !== undefined,
            casymda: rows,
            forecasts,
            monteCarlo,
            ingest,
            forecastHandler: handlerRows,
            latency,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    io.out(
      `Node.js ${process.versions.node} with ${FORECAST_NODE_OPTIONS} (as the forecast Lambda); sim-core bundled with esbuild; medians of 3 runs (1 for 1,000,000 entities); ` +
        'fresh process = the first run in a new process, compilation included; warm = after warm-up runs in the same process',
    );
    io.out('');
    io.out('Casymda benchmark model');
    const head = [
      'entities',
      'inter-arrival',
      'end time',
      'events',
      'sim-core ms fresh',
      'sim-core ms warm',
      'events/s warm',
      'peak RSS MB',
      'SimPy ms',
      'speed-up fresh / warm',
    ];
    io.out(
      table([
        head,
        ...rows.map((r) => [
          r.entities.toLocaleString('en'),
          String(r.interArrival),
          String(r.endTime),
          r.events.toLocaleString('en'),
          String(r.wallMs),
          String(r.warmMs),
          r.eventsPerSecond.toLocaleString('en'),
          String(r.peakRssMb),
          r.simpyMs === undefined ? (python ? 'skipped' : 'no simpy') : String(r.simpyMs),
          r.speedup === undefined ? '-' : `${r.speedup}x / ${r.warmSpeedup}x`,
        ]),
      ]),
    );
    io.out('');
    io.out(
      'Deterministic forecast of a synthetic plant: fresh = the first forecast in a new process; warm = median of 15 after 30 unmeasured runs in the same process',
    );
    io.out(
      table([
        ['active orders', 'fresh ms', 'warm median ms', 'warm min ms', 'kernel events'],
        ...forecasts.map((f) => [
          f.orders.toLocaleString('en'),
          String(f.freshMs),
          String(f.medianMs),
          String(f.minMs),
          f.events.toLocaleString('en'),
        ]),
      ]),
    );
    io.out(
      `Monte Carlo forecast (examples/order-flow-uncertain.json) of ${monteCarlo.orders.toLocaleString('en')} active orders, ` +
        `${monteCarlo.replications} replications: fresh ${monteCarlo.freshMs} ms; warm median ${monteCarlo.medianMs} ms ` +
        `(min ${monteCarlo.minMs} ms, ${monteCarlo.runs} runs after ${monteCarlo.warmupRuns}); ${monteCarlo.events.toLocaleString('en')} kernel events`,
    );
    io.out('');
    io.out(
      `Ingest: 10,000 events read from kinesalite and applied to DynamoDB Local (batches of ${'error' in ingest ? '-' : ingest.batchSize}, 16 orders at once; every event of another order, so one write per event)`,
    );
    if ('error' in ingest) io.out(`not measured: ${ingest.error}`);
    else {
      io.out(
        table([
          [
            'events/s',
            'DynamoDB Local raw/s (same table, same run)',
            'of ceiling',
            'DynamoDB calls/event',
            'CPU µs/event',
          ],
          [
            String(ingest.pipelinePerSecond),
            String(ingest.rawPerSecond),
            percent(ingest.ofCeiling),
            String(ingest.callsPerEvent),
            String(ingest.cpuMicrosPerEvent),
          ],
        ]),
      );
    }
    io.out('');
    io.out(
      'Forecast handler on DynamoDB Local: read the active orders, simulate, write (median of 5 runs after a warm-up)',
    );
    io.out('error' in handlerRows ? `not measured: ${handlerRows.error}` : forecastHandlerTable(handlerRows));
    io.out('');
    io.out(
      'Embedded twin: PutRecords to the first readable forecast that reflects the event (1 s batching window)',
    );
    io.out('error' in latency ? `not measured: ${latency.error}` : latencyTable(latency));
    if (!python)
      io.out(
        '\nSimPy not found: install it (Debian: apt-get install python3-simpy3) to measure side by side.',
      );
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A benchmark that could not run (Java missing, say) is reported as such, with its last words. */
function notMeasured(error: Error): { error: string } {
  return { error: error.message.split('\n').slice(-2).join(' ') };
}

async function findSimpy(): Promise<string | undefined> {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      await run(python, ['-c', 'import simpy']);
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

function forecastHandlerTable(rows: Awaited<ReturnType<typeof forecastHandlerBench>>): string {
  return table([
    ['active orders', 'total ms', 'read ms', 'simulate ms', 'write ms', 'DynamoDB calls', 'stored KB'],
    ...rows.map((r) => [
      r.orders.toLocaleString('en'),
      String(r.totalMs),
      String(r.readMs),
      String(r.simulateMs),
      String(r.writeMs),
      String(r.calls),
      String(Math.round(r.storedBytes / 1000)),
    ]),
  ]);
}

/** "7,000" or "28,000–35,000": the smallest and largest of `counts`. */
const writesRange = (counts: number[]) => {
  const [least, most] = [Math.min(...counts), Math.max(...counts)].map((n) => n.toLocaleString('en'));
  return least === most ? least! : `${least}–${most}`;
};

/** The end-to-end benchmark as the terminal shows it: the rates, the sustained rate against the target, where the CPU went. */
export function latencyTable(result: Awaited<ReturnType<typeof latencyBench>>): string {
  const rows = (runs: typeof result.rows, extra?: (i: number) => string) =>
    runs.map((r, i) => [
      r.rate.toLocaleString('en'),
      r.events.toLocaleString('en'),
      String(r.p50Ms),
      String(r.p95Ms),
      String(r.maxMs),
      r.backlogAtEnd.toLocaleString('en'),
      String(r.lost),
      String(r.forecastsPerSecond),
      r.cores ? `${r.cores.dynamodbLocal} / ${r.cores.kinesalite} / ${r.cores.twin}` : '-',
      r.cpuMsPerEvent === undefined ? '-' : String(r.cpuMsPerEvent),
      r.waiting ? `${r.waiting.dynamodbLocal} / ${r.waiting.kinesalite} / ${r.waiting.twin}` : '-',
      ...(extra ? [extra(i)] : []),
    ]);
  const head = [
    'events/s',
    'events',
    'p50 ms',
    'p95 ms',
    'max ms',
    'backlog at end',
    'lost',
    'forecasts/s',
    'cores: DynamoDB Local / kinesalite / twin',
    'CPU ms per event',
    'waiting for a CPU (cores)',
  ];
  const rounds = result.rawRounds.flatMap((r) => r.rates);
  const perRound = result.rawRounds
    .map((r) => `${r.when}: ${r.rates.map((x) => `${x.perSecond}/s at ${x.concurrency}`).join(', ')}`)
    .join('; ');
  const raw = `${perRound}; ${rounds.length} round${rounds.length === 1 ? '' : 's'} of ${writesRange(rounds.map((x) => x.writes))} writes, the first after ${result.warmUpWrites.toLocaleString('en')} writes of warm-up`;
  const cpu = result.cpu;
  const idle = result.idle;
  const bestRound = rounds.find((x) => x.perSecond === result.rawPerSecond);
  const atSustained = result.sustainRuns.find((r) => r.sustained && r.rate === result.sustainedPerSecond);
  const waiting =
    bestRound?.waiting && atSustained?.waiting
      ? `threads ready to run but waiting for a CPU, in cores' worth of time: ${bestRound.waiting.dynamodbLocal} (DynamoDB Local) + ${bestRound.waiting.client} (its client) in the best raw round; ${atSustained.waiting.dynamodbLocal} + ${atSustained.waiting.kinesalite} (kinesalite) + ${atSustained.waiting.twin} (twin) at ${result.sustainedPerSecond}/s`
      : undefined;
  return [
    `the twin's process: Node.js ${process.versions.node}${result.nodeOptions.length > 0 ? ` with ${result.nodeOptions.join(' ')}` : ''}`,
    ...(idle
      ? [
          `idle (no events for ${idle.seconds} s, after the pipeline's warm-up): cores: DynamoDB Local ${idle.cores.dynamodbLocal}, kinesalite ${idle.cores.kinesalite}, twin ${idle.cores.twin}`,
          '',
        ]
      : []),
    'A plant with as many active orders as events per second (at least 40), one event per order per second',
    table([head, ...rows(result.rows)]),
    '',
    'Sustained rate (20 s per rate; sustained = nothing lost, backlog at the end under 1 s of events, p95 under 5 s)',
    table([
      [...head, 'sustained'],
      ...rows(result.sustainRuns, (i) => (result.sustainRuns[i]!.sustained ? 'yes' : 'no')),
    ]),
    `highest rate sustained: ${result.sustainedPerSecond}/s = ${(result.ofCeiling * 100).toFixed(1)} % of DynamoDB Local's raw ceiling on the pipeline's table, ${result.rawPerSecond}/s (${raw}); the target, ${percent(SUSTAINED_TARGET)}: ${result.meetsTarget ? 'met' : 'not met'} in this run`,
    ...(cpu
      ? [
          `CPU per event, every process together: ${cpu.msPerRawWrite} ms for a raw write (DynamoDB Local and its client), ${cpu.msPerEventSustained} ms through the pipeline at ${result.sustainedPerSecond}/s; with every core busy (${cpu.cores} here), the pipeline could sustain at most ${percent(cpu.msPerRawWrite / cpu.msPerEventSustained)} of the raw rate`,
          `CPU per event, DynamoDB Local alone: ${cpu.dynamodbLocal.msPerRawWrite} ms for a raw write, ${cpu.dynamodbLocal.msPerEventSustained} ms through the pipeline; were its CPU the only limit (the other processes on cores of their own), the pipeline could sustain at most ${percent(cpu.dynamodbLocal.msPerRawWrite / cpu.dynamodbLocal.msPerEventSustained)} of the raw rate`,
        ]
      : []),
    ...(waiting ? [waiting] : []),
  ].join('\n');
}
