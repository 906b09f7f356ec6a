// The bounds that end every simulation: kernel events per simulated run, and wall time per call of
// runModel, forecast or forecastMonteCarlo. A model that never ends then stops with a
// SimulationLimitError instead of hanging. The wall clock only decides whether to go on: it never
// enters the kernel, nor any result.
import type { Environment } from './kernel/Environment.ts';
import { ModelError, SimulationLimitError } from './kernel/errors.ts';

/** The bounds of a simulation; every one has a default. */
export interface SimulationLimits {
  /** The most kernel events one simulated run (one replication) may process. */
  maxEvents?: number;
  /** The most wall time, in ms, one call may take, all its runs and replications together. */
  maxWallMs?: number;
  /** The wall clock in ms (default `Date.now`); tests pass their own. */
  clock?: () => number;
}

/**
 * 100,000,000 events per run: 40 times Casymda's benchmark of 1,000,000 entities (2.5 million
 * events), 20 times a Monte Carlo forecast of 10,000 orders × 100 draws (5 million events, all draws).
 */
export const DEFAULT_MAX_EVENTS = 100_000_000;
/** 60 s of wall time per call. */
export const DEFAULT_MAX_WALL_MS = 60_000;

/** The most replications of one call: of runModel, and of a Monte Carlo forecast. */
export const MAX_REPLICATIONS = 100_000;

/** How many events run between two looks at the wall clock (a few milliseconds' worth). */
const WALL_CHECK_EVERY = 65_536;

/** The limits of one call with its wall clock started: runs simulations within them. */
export class RunLimits {
  readonly maxEvents: number;
  readonly maxWallMs: number;
  private readonly clock: () => number;
  private readonly started: number;

  constructor(limits: SimulationLimits = {}) {
    const { maxEvents = DEFAULT_MAX_EVENTS, maxWallMs = DEFAULT_MAX_WALL_MS } = limits;
    if (!Number.isInteger(maxEvents) || maxEvents < 1) {
      throw new ModelError(`maxEvents must be a whole number of at least 1, got ${maxEvents}`);
    }
    if (!(maxWallMs > 0)) throw new ModelError(`maxWallMs must be a number > 0, got ${maxWallMs}`);
    this.maxEvents = maxEvents;
    this.maxWallMs = maxWallMs;
    // Date.now, not performance.now: on Node.js the first look at `performance` loads perf_hooks,
    // some 7 ms of a command line's first forecast, for a clock read every 65,536 events.
    this.clock = limits.clock ?? Date.now;
    this.started = this.clock();
  }

  /** The limits given, or theirs if they are already started (one wall clock for a whole call). */
  static of(limits: SimulationLimits | RunLimits | undefined): RunLimits {
    return limits instanceof RunLimits ? limits : new RunLimits(limits);
  }

  /**
   * Runs `env` as `env.run({ until })` does, within the limits; `progress` hears every `every`
   * events (at the next look at the wall clock, when that is further apart).
   */
  run(
    env: Environment,
    until?: number,
    progress?: { every: number; report: (now: number, events: number) => void },
  ): void {
    if (progress !== undefined && !(progress.every >= 1)) {
      throw new ModelError(`progress must be reported every 1 or more events, got ${progress.every}`);
    }
    const first = env.eventsProcessed;
    let nextReport = progress === undefined ? Number.POSITIVE_INFINITY : first + progress.every;
    let nextWallCheck = first + WALL_CHECK_EVERY;
    env.run({
      ...(until !== undefined && { until }),
      maxEvents: this.maxEvents,
      checkEvery: Math.min(progress?.every ?? WALL_CHECK_EVERY, WALL_CHECK_EVERY),
      check: () => {
        const events = env.eventsProcessed;
        if (events >= nextReport) {
          progress!.report(env.now, events);
          nextReport += progress!.every;
        }
        if (events >= nextWallCheck) {
          this.checkWallTime(env);
          nextWallCheck += WALL_CHECK_EVERY;
        }
      },
    });
  }

  /** Throws a SimulationLimitError when the call has taken more wall time than its limit. */
  checkWallTime(env?: Environment): void {
    const elapsed = this.clock() - this.started;
    if (elapsed <= this.maxWallMs) return;
    const where =
      env === undefined
        ? ''
        : ` (${env.eventsProcessed.toLocaleString('en')} events in its current run, at simulated time ${env.now})`;
    throw new SimulationLimitError(
      `the simulation took more than ${seconds(this.maxWallMs)} of wall time (its limit) and had not ended${where}`,
      'wall-time',
      this.maxWallMs,
      elapsed,
    );
  }
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;
