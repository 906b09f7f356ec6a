// The plant emulator inside the twin: a scenario run in scaled real time, publishing its events to the
// twin's Kinesis stream in the background.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type EmulateResult, emulate } from '../../emulator/emulate.ts';
import { KinesisPublisher } from '../../emulator/publisher.ts';
import type { ScenarioName } from '../../emulator/scenarios.ts';
import type { PlantModel } from '../../orderflow/index.ts';
import type { Seed } from '../../sim-core/index.ts';

/** The plant emulator, running (or not, with no scenario). */
export interface RunningPlant {
  /** Events sent so far, and records the stream refused and were sent again. */
  published(): { sent: number; retries: number };
  /** Its events and plant time once the scenario has run out by itself; undefined if stopped or failed. */
  scenarioOver: Promise<EmulateResult | undefined>;
  /** Stops it; resolves once it has sent what it produced. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the scenario (none: a plant that publishes nothing, for events that come from elsewhere). */
export function startPlant(options: {
  kinesis: KinesisClient;
  stream: string;
  /** The plant (default: the demo plant). */
  model?: PlantModel | undefined;
  scenario: ScenarioName | 'none';
  speed: number;
  seed: Seed;
  duration: number;
  rate: number;
  plants: number;
  log: (line: string) => void;
}): RunningPlant {
  const stopped = new AbortController();
  let done: Promise<EmulateResult | undefined> = Promise.resolve(undefined);
  let publisher: KinesisPublisher | undefined;
  if (options.scenario !== 'none') {
    // The twin's own stream, provisioned a moment ago: a call it does not answer means Kinesis is
    // down for a while (an emulator restarting), and the events wait for it.
    publisher = new KinesisPublisher(options.kinesis, options.stream, { retryUnanswered: true });
    done = emulate({
      ...(options.model && { model: options.model }),
      scenario: options.scenario,
      publisher,
      speed: options.speed,
      seed: options.seed,
      duration: options.duration,
      rate: options.rate,
      plants: options.plants,
      signal: stopped.signal,
    }).catch((error: Error) => {
      options.log(`emulator stopped: ${error.message}`);
      return undefined;
    });
  }
  return {
    // Read live: the publisher sends in the background.
    published: () => ({ sent: publisher?.stats.sent ?? 0, retries: publisher?.stats.retries ?? 0 }),
    scenarioOver: done.then((result) => (stopped.signal.aborted ? undefined : result)),
    stop: async () => {
      stopped.abort();
      await done;
    },
  };
}
