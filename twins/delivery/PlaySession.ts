// A product-delivery run paced in real time for `twin play`: a layer outside the kernel that runs the
// simulation up to the simulated time the wall clock has reached (SimPy's rt.py idea; the kernel never
// sees the wall clock), and lets a person set a center's rate while it runs.
import { resolveRun } from './changes.ts';
import { type DeliveryKpis, DeliverySimulation } from './DeliverySimulation.ts';
import { type DeliveryModel, WEEKDAYS } from './model.ts';

/** Simulated seconds per wall-clock second: 3600 = one simulated hour a second. */
export const DEFAULT_PLAY_SPEED = 3600;

export interface PlayOptions {
  /** Simulated seconds per wall-clock second. */
  speed?: number;
  seed?: number;
  /** How often the run catches up with the wall clock, in ms. */
  tickMs?: number;
  /** The wall clock in ms (injectable for tests). */
  wallClock?: () => number;
}

/** What the page shows: the network now, the KPIs so far and the daily costs. */
export interface PlayState {
  /** Simulated hours since the start (a Monday, 00:00). */
  time: number;
  day: number;
  weekday: string;
  horizon: number;
  speed: number;
  finished: boolean;
  centers: {
    name: string;
    lat: number;
    lon: number;
    up: boolean;
    capacity: number;
    inventory: number;
    /** The rate the machines run at now. */
    rate: number;
    /** The rate asked for (equal to `rate` unless a change is pending). */
    target: number;
    pendingSince: number | null;
    waiting: number;
    policy: string;
    rateCap: number;
    changes: number;
    /** Mean units on hand since the start. */
    meanInventory: number;
  }[];
  distributors: { name: string; lat: number; lon: number; center: string }[];
  kpis: DeliveryKpis;
  dailyCosts: number[];
}

/** A rate a person asked for that cannot be: the message says why. */
export class PlayRequestError extends Error {
  override readonly name = 'PlayRequestError';
}

/** One paced run of a model; `start` it, read `state()`, `setRate` from the page, `stop` it. */
export class PlaySession {
  readonly sim: DeliverySimulation;
  readonly speed: number;
  private readonly tickMs: number;
  private readonly wall: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private wallStart = 0;
  private simStart = 0;

  constructor(
    readonly model: DeliveryModel,
    options: PlayOptions = {},
  ) {
    this.speed = options.speed ?? DEFAULT_PLAY_SPEED;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) {
      throw new PlayRequestError(`the speed must be a number above 0, got ${this.speed}`);
    }
    this.tickMs = options.tickMs ?? 50;
    this.wall = options.wallClock ?? (() => performance.now());
    this.sim = new DeliverySimulation(resolveRun(model), options.seed ?? 1);
  }

  get finished(): boolean {
    return this.sim.env.now >= this.sim.horizon;
  }

  /** Starts the run from the simulated time it stands at. */
  start(): void {
    if (this.timer !== undefined || this.finished) return;
    this.wallStart = this.wall();
    this.simStart = this.sim.env.now;
    this.timer = setInterval(() => this.catchUp(), this.tickMs);
  }

  /** Stops pacing; the run stays where it is. Idempotent. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs the simulation up to the simulated time the wall clock has reached. */
  catchUp(): void {
    const elapsedHours = ((this.wall() - this.wallStart) / 1000) * (this.speed / 3600);
    const target = Math.min(this.sim.horizon, this.simStart + elapsedHours);
    if (target > this.sim.env.now) this.sim.env.run({ until: target });
    if (target >= this.sim.horizon) {
      this.sim.finish();
      this.stop();
    }
  }

  /** Puts a center under manual control at `rate`; it takes effect after the machines' delay. */
  setRate(center: string, rate: number): { center: string; target: number; requestedAt: number } {
    const index = this.model.centers.findIndex((c) => c.name === center);
    if (index < 0) {
      throw new PlayRequestError(
        `no center "${center}" (the model has ${this.model.centers.map((c) => c.name).join(', ')})`,
      );
    }
    const c = this.sim.centers[index]!;
    if (!(rate >= 0 && rate <= c.setup.rateCap)) {
      throw new PlayRequestError(
        `the rate of ${center} must be 0 to ${c.setup.rateCap} units an hour, got ${rate}`,
      );
    }
    if (this.finished) throw new PlayRequestError('the run has ended');
    this.sim.setManualRate(index, rate);
    return { center, target: this.sim.target(c), requestedAt: this.sim.env.now };
  }

  /** The network now, for the page. */
  state(): PlayState {
    const { sim } = this;
    const now = sim.env.now;
    for (const c of sim.centers) sim.advance(c, now);
    const day = Math.floor(now / 24);
    const summaries = new Map(sim.centerSummaries().map((s) => [s.name, s]));
    return {
      time: now,
      day: day + 1,
      weekday: WEEKDAYS[day % 7]!,
      horizon: sim.horizon,
      speed: this.speed,
      finished: this.finished,
      centers: sim.centers.map((c) => ({
        name: c.setup.name,
        lat: c.setup.lat,
        lon: c.setup.lon,
        up: c.setup.up,
        capacity: c.setup.capacity,
        inventory: c.inventory,
        rate: c.rate,
        target: sim.target(c),
        pendingSince: c.pending?.requestedAt ?? null,
        waiting: c.queue.length,
        policy: c.policy.type,
        rateCap: c.setup.rateCap,
        changes: c.changes,
        meanInventory: summaries.get(c.setup.name)?.meanInventory ?? 0,
      })),
      distributors: this.model.distributors.map((d, i) => ({
        name: d.name,
        lat: d.lat,
        lon: d.lon,
        center: this.model.centers[sim.routes[i]!]!.name,
      })),
      kpis: sim.kpis(),
      dailyCosts: [...sim.dailyCosts],
    };
  }
}
