// The plant emulator: a scenario's orders run through the emulated plant of a model in scaled real
// time, and every event is published (or printed); the ground truth goes to a file if asked.
import { createWriteStream, type WriteStream } from 'node:fs';
import { MAX_EMULATED_PLANTS } from '../contracts/plants.ts';
import type { PlantModel } from '../orderflow/model/plantModel.ts';
import { resolveModel } from '../orderflow/model/resolveModel.ts';
import { orderFlowModel } from '../orderflow/models/index.ts';
import { Environment, replicationSeed, type Seed } from '../sim-core/index.ts';
import { runPaced } from './pacing.ts';
import { startPlant, type TruthRecord } from './plant.ts';
import type { Publisher } from './publisher.ts';
import { type ScenarioName, scenario } from './scenarios.ts';

export interface EmulateOptions {
  /** The plant (default: the demo plant). */
  model?: PlantModel;
  /** Overrides of the model's parameters. */
  parameters?: Readonly<Record<string, unknown>>;
  /** A ScenarioError, before anything runs, when it does not fit the model (`checkScenario`). */
  scenario: ScenarioName;
  publisher: Publisher;
  /** Simulated time per wall-clock time; Infinity runs as fast as possible. */
  speed: number;
  /** Any integer, however large (a bigint keeps every digit). */
  seed: Seed;
  /** How long orders keep arriving, in plant time (ms). */
  duration: number;
  /** `load` only: events per wall-clock second (of all plants together). */
  rate: number;
  /**
   * How many plants run the scenario side by side, each on a seed of its own, with events that name
   * their plant (`plant-01`, …; see `emulatedPlantIds`). Default 1: one plant, events without a plantId.
   */
  plants?: number;
  /** Plant time at the start (epoch ms); default: now. */
  start?: number;
  truthFile?: string;
  signal?: AbortSignal;
  /** How often queued events are sent (wall-clock ms). */
  flushEveryMs?: number;
  onProgress?: (plantTime: number) => void;
}

export interface EmulateResult {
  start: number;
  end: number;
  events: number;
}

/**
 * The plant ids of `plants` emulated plants: none (undefined, the default plant) for one;
 * `plant-01` … for more, numbered to the same width so that they sort in order.
 */
export function emulatedPlantIds(plants: number): (string | undefined)[] {
  if (!Number.isInteger(plants) || plants < 1 || plants > MAX_EMULATED_PLANTS) {
    throw new RangeError(
      `plants must be a whole number from 1 to ${MAX_EMULATED_PLANTS.toLocaleString('en')}, got ${plants}`,
    );
  }
  if (plants === 1) return [undefined];
  const width = Math.max(2, String(plants).length);
  return Array.from({ length: plants }, (_, i) => `plant-${String(i + 1).padStart(width, '0')}`);
}

/** Runs the emulator until the scenario is over or the signal aborts; sends everything produced before returning. */
export async function emulate(options: EmulateOptions): Promise<EmulateResult> {
  const start = options.start ?? Math.round(Date.now() / 1000) * 1000;
  const env = new Environment(start);
  const { publisher } = options;
  const resolved = resolveModel(options.model ?? orderFlowModel, options.parameters);
  const plantIds = emulatedPlantIds(options.plants ?? 1);
  let events = 0;
  let truth: WriteStream | undefined;
  if (options.truthFile) truth = createWriteStream(options.truthFile, { flags: 'w' });
  plantIds.forEach((plantId, i) => {
    // The first plant runs on the seed itself: one plant of many is the plant run alone.
    const chosen = scenario(options.scenario, resolved, {
      start,
      seed: i === 0 ? options.seed : replicationSeed(options.seed, i),
      duration: options.duration,
      rate: options.rate / plantIds.length,
      speed: options.speed,
    });
    startPlant(
      env,
      resolved,
      chosen.orders,
      {
        event: (event) => {
          events++;
          // Event ids are unique across plants too: each plant's are prefixed with its id.
          publisher.publish(
            plantId === undefined ? event : { ...event, plantId, eventId: `${plantId}-${event.eventId}` },
          );
        },
        ...(truth && {
          truth: (record: TruthRecord) =>
            truth!.write(`${JSON.stringify(plantId === undefined ? record : { ...record, plantId })}\n`),
        }),
      },
      { unlimitedStations: chosen.unlimitedStations, ...(chosen.outages && { outages: chosen.outages }) },
    );
  });

  // Events are sent in the background, every flushEveryMs, while the plant runs on. A send that
  // fails for good ends the run (its error is thrown below), rather than rejecting unobserved.
  let pump: Promise<void> = Promise.resolve();
  const sendFailed = new AbortController();
  const timer = setInterval(() => {
    pump = pump.then(() => publisher.flush());
    pump.catch(() => sendFailed.abort());
  }, options.flushEveryMs ?? 100);
  const signal = options.signal ? AbortSignal.any([options.signal, sendFailed.signal]) : sendFailed.signal;
  try {
    await runPaced(env, {
      speed: options.speed,
      signal,
      afterStep: async (now) => {
        options.onProgress?.(now);
        // Back-pressure: never more than a few thousand events waiting.
        if (publisher.stats.pending > 5_000) await publisher.flush();
      },
    });
  } finally {
    clearInterval(timer);
    await pump;
    await publisher.flush();
    if (truth)
      await new Promise<void>((resolve, reject) =>
        truth!.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
  }
  return { start, end: env.now, events };
}
