// The embedded twin at scale: many plants in one deployment (`npm start`'s pipeline), each with its
// work in process, their events coming at a steady rate for minutes. Measured: whether every event
// reaches its plant's forecast (nothing lost), how soon (each plant's forecast kept fresh), and the
// memory of the twin's process over the run (bounded, not growing with the events).
import type { OrderEvent } from '../contracts/events.ts';
import { readPlantSummaries } from '../contracts/forecastItem.ts';
import { resourceNames } from '../contracts/resources.ts';
import { emulatedPlantIds } from '../emulator/emulate.ts';
import { createClients, destroyClients } from '../local/clients.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { provision } from '../local/provision.ts';
import { type RunningTwin, startTwin } from '../local/runtime.ts';
import { orderFlowModel, type PlantModel } from '../orderflow/index.ts';
import { quantileOf } from '../sim-core/quantile.ts';
import { putEvents } from './ingestBench.ts';
import { liveEvents } from './liveEvents.ts';

export interface PlantsBenchOptions {
  plants: number;
  /** Active orders of each plant, kept while the events come. */
  ordersPerPlant: number;
  /** Events per second, of all plants together. */
  rate: number;
  seconds: number;
  progress?: (text: string) => void;
}

export const PLANTS_DEFAULTS = { plants: 50, ordersPerPlant: 200, rate: 200, seconds: 300 } as const;

/**
 * Each plant is the demo plant with lines enough for its orders (a fifth of them): 200 active orders
 * are a plant's day, not a queue of 33 hours on one line.
 */
const plantModel = (ordersPerPlant: number): PlantModel => ({
  ...orderFlowModel,
  parameters: { ...orderFlowModel.parameters, lines: Math.max(1, Math.round(ordersPerPlant / 5)) },
});

/** Memory of the twin's process, MB: at the start of the run, its highest, at the end. */
export interface MemoryFigures {
  startMb: number;
  peakMb: number;
  endMb: number;
  /** Growth per minute over the run's second half (a least-squares line through the samples). */
  slopeMbPerMin: number;
}

export interface PlantsBenchResult {
  plants: number;
  ordersPerPlant: number;
  rate: number;
  seconds: number;
  /** Events put during the run (the orders put before it are not counted). */
  events: number;
  /** Events the pipeline did not ingest, of all put, before and during the run. */
  notIngested: number;
  /** Events no forecast of their plant reflected within a minute after the last was put. */
  lost: number;
  /** From an event's PutRecords to the first forecast of its plant that reflects it. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The highest of the plants' own p95. */
  worstPlantP95Ms: number;
  /**
   * The p95 of the events put in each minute of the run (the last minute may be partial): a twin
   * that keeps up holds it level, one that falls behind sees it grow.
   */
  p95ByMinuteMs: number[];
  /** Plants with a forecast at the end. */
  plantsForecast: number;
  forecastsWritten: number;
  rss: MemoryFigures;
  heapUsed: MemoryFigures;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

/** Start, peak, end and the second half's slope of `samples` ([seconds, bytes]). */
function memoryFigures(samples: readonly [number, number][]): MemoryFigures {
  const half = samples.slice(Math.floor(samples.length / 2));
  const n = half.length;
  const mx = half.reduce((s, [x]) => s + x, 0) / n;
  const my = half.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = half.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = half.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return {
    startMb: mb(samples[0]![1]),
    peakMb: mb(Math.max(...samples.map(([, y]) => y))),
    endMb: mb(samples.at(-1)![1]),
    slopeMbPerMin: sxx === 0 ? 0 : Math.round((((sxy / sxx) * 60) / 1_048_576) * 10) / 10,
  };
}

/** Runs the benchmark on fresh emulators and a fresh embedded twin. */
export async function plantsBench(options: PlantsBenchOptions): Promise<PlantsBenchResult> {
  const { plants, ordersPerPlant, rate, seconds } = options;
  const progress = options.progress ?? (() => {});
  const emulators = await startEmulators({ kinesis: 'kinesalite' });
  const clients = createClients(emulators.endpoints);
  const names = resourceNames();
  let twin: RunningTwin | undefined;
  try {
    await provision(clients, names);
    twin = await startTwin({
      endpoints: emulators.endpoints,
      port: 0,
      scenario: 'none',
      batchingWindowMs: 1_000,
      model: plantModel(ordersPerPlant),
      log: () => {},
    });
    const running = twin;
    // Named as the emulator names its plants.
    const plantIds = emulatedPlantIds(Math.max(2, plants)).slice(0, plants) as string[];
    const sources = plantIds.map((plantId) => {
      const source = liveEvents(plantId, rate / plants, ordersPerPlant);
      return { plantId, next: (): OrderEvent => ({ ...source.next(), plantId }) };
    });
    let totalPut = 0;
    const put = async (events: OrderEvent[]) => {
      for (let i = 0; i < events.length; i += 500) {
        await putEvents(clients.kinesis, names.stream, events.slice(i, i + 500));
      }
      totalPut += events.length;
    };
    const reflected = async () =>
      new Map(
        (await readPlantSummaries(clients.documentClient, names.forecastsTable)).map((s) => [
          s.plantId,
          s.latestEventAt,
        ]),
      );

    // Every plant's work in process first, then a forecast of each.
    progress(`${plants} plants: ${(plants * ordersPerPlant).toLocaleString('en')} active orders`);
    const lastAccepted = new Map<string, number>();
    for (const source of sources) {
      const accepted = Array.from({ length: ordersPerPlant }, source.next);
      lastAccepted.set(source.plantId, Date.parse(accepted.at(-1)!.occurredAt));
      await put(accepted);
    }
    for (const until = performance.now() + 300_000; performance.now() < until; await sleep(500)) {
      const seen = await reflected();
      if (plantIds.every((p) => (seen.get(p) ?? 0) >= lastAccepted.get(p)!)) break;
    }

    progress(`${plants} plants: ${rate} events/s for ${seconds} s`);
    const forecastsBefore = running.status().forecastsWritten;
    // Per plant, its events put and not yet reflected, oldest first.
    const waiting = new Map(plantIds.map((p) => [p, [] as { at: number; sentAt: number }[]]));
    const latencies = new Map(plantIds.map((p) => [p, [] as number[]]));
    // By the minute of the run its event was put in.
    const byMinute: number[][] = [];
    let events = 0;
    let putting = true;
    let deadline = Number.POSITIVE_INFINITY;
    const pending = () => [...waiting.values()].reduce((n, list) => n + list.length, 0);
    // The run's start: its first PutRecords follows at once.
    const started = performance.now();
    const watcher = (async () => {
      while (putting || (pending() > 0 && performance.now() < deadline)) {
        const seen = await reflected();
        const now = performance.now();
        for (const [plantId, list] of waiting) {
          const latest = seen.get(plantId) ?? 0;
          let done = 0;
          while (done < list.length && list[done]!.at <= latest) {
            const { sentAt } = list[done++]!;
            latencies.get(plantId)!.push(now - sentAt);
            const minute = Math.floor((sentAt - started) / 60_000);
            byMinute[minute] ??= [];
            byMinute[minute].push(now - sentAt);
          }
          list.splice(0, done);
        }
        await sleep(250);
      }
    })();
    const memory: { rss: [number, number][]; heap: [number, number][] } = { rss: [], heap: [] };
    const sample = () => {
      const { rss, heapUsed } = process.memoryUsage();
      const t = performance.now() / 1000;
      memory.rss.push([t, rss]);
      memory.heap.push([t, heapUsed]);
    };
    sample();
    const sampler = setInterval(sample, 1_000);
    // Ten PutRecords a second, each with a tenth of the second's events, the plants in turn.
    let turn = 0;
    for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
      const due = started + tick * 100;
      if (due > performance.now()) await sleep(due - performance.now());
      const count = Math.max(1, Math.round((rate * (tick + 1)) / 10) - Math.round((rate * tick) / 10));
      const batch = Array.from({ length: count }, () => sources[turn++ % plants]!.next());
      const sentAt = performance.now();
      await put(batch);
      for (const e of batch) waiting.get(e.plantId!)!.push({ at: Date.parse(e.occurredAt), sentAt });
      events += batch.length;
      if (tick % 100 === 0)
        progress(`${plants} plants: ${Math.round((performance.now() - started) / 1000)} s of ${seconds}`);
    }
    putting = false;
    deadline = performance.now() + 60_000;
    await watcher;
    clearInterval(sampler);
    sample();
    const all = [...latencies.values()].flat();
    const seen = await reflected();
    return {
      plants,
      ordersPerPlant,
      rate,
      seconds,
      events,
      notIngested: totalPut - running.status().eventsIn,
      lost: pending(),
      p50Ms: Math.round(quantileOf(all, 0.5)),
      p95Ms: Math.round(quantileOf(all, 0.95)),
      maxMs: Math.round(quantileOf(all, 1)),
      worstPlantP95Ms: Math.round(
        Math.max(...[...latencies.values()].filter((l) => l.length > 0).map((l) => quantileOf(l, 0.95))),
      ),
      p95ByMinuteMs: Array.from(byMinute, (l) => (l === undefined ? 0 : Math.round(quantileOf(l, 0.95)))),
      plantsForecast: plantIds.filter((p) => seen.has(p)).length,
      forecastsWritten: running.status().forecastsWritten - forecastsBefore,
      rss: memoryFigures(memory.rss),
      heapUsed: memoryFigures(memory.heap),
    };
  } finally {
    await twin?.stop();
    destroyClients(clients);
    await emulators.stop();
  }
}
