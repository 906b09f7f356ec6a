// The block library: source, delay, seize (a queue in front of a resource), release, router and
// sink. Blocks are wired into a network from a model definition; entities flow through them.
// Blocks drive the kernel with events and callbacks (no process per entity), which keeps large
// runs fast; the kernel's processes remain available to hand-written models.
import type { Environment } from '../kernel/Environment.ts';
import { ModelError } from '../kernel/errors.ts';
import type { Event } from '../kernel/events.ts';
import type { BaseResource, Request } from '../kernel/resources.ts';
import type { Random, Sampler } from '../random/Random.ts';
import { Entity, NO_ATTRIBUTES } from './Entity.ts';
import { Samples } from './stats.ts';

/** Notified when an entity enters or leaves a block (to record step times, traces, animations). */
export interface BlockObserver {
  enter?(block: Block, entity: Entity, time: number): void;
  leave?(block: Block, entity: Entity, time: number): void;
}

/** Per-block counters and the distribution of time spent in the block. */
export class BlockStats {
  entered = 0;
  left = 0;
  readonly timeInBlock = new Samples();
  get inside(): number {
    return this.entered - this.left;
  }
}

/** A step of a process model; `enter` hands it an entity, `leave` passes the entity on. */
export abstract class Block {
  next: Block | undefined;
  readonly stats = new BlockStats();
  /** Whether entities spend time here (delays and queues); others pass through at once. */
  readonly timed: boolean;
  observer: BlockObserver | undefined;
  /**
   * Whether it records each entity's time in it (`stats.timeInBlock`; a sink: `timeInSystem`). A
   * model that never reads them turns it off; the counts are kept either way.
   */
  recordTimes = true;

  constructor(
    readonly env: Environment,
    readonly id: string,
    readonly type: string,
    /** Optional label of the process step this block stands for (for example `production`). */
    readonly step?: string,
  ) {
    this.timed = type === 'delay' || type === 'seize';
  }

  enter(entity: Entity): void {
    const now = this.env.now;
    entity.enteredAt = now;
    this.stats.entered++;
    this.observer?.enter?.(this, entity, now);
    this.accept(entity);
  }

  protected abstract accept(entity: Entity): void;

  protected leave(entity: Entity): void {
    const now = this.env.now;
    this.stats.left++;
    if (this.timed && this.recordTimes) this.stats.timeInBlock.add(now - entity.enteredAt);
    this.observer?.leave?.(this, entity, now);
    const next = this.next;
    if (next === undefined) throw new ModelError(`block "${this.id}" has no next block`);
    next.enter(entity);
  }

  /** Counts an entity restored into this block mid-way (work in process), entered at `since`. */
  protected restore(entity: Entity, since: number): void {
    entity.enteredAt = since;
    this.stats.entered++;
    this.observer?.enter?.(this, entity, since);
  }
}

/** Creates entities: the first at `start`, then one every inter-arrival time, up to `count`. */
export class Source extends Block {
  private created = 0;
  private readonly attributeNames: string[];

  constructor(
    env: Environment,
    id: string,
    private readonly interArrival: Sampler,
    private readonly count: number,
    private readonly attributes: Record<string, Sampler>,
    private readonly start: number,
    step?: string,
  ) {
    super(env, id, 'source', step);
    this.attributeNames = Object.keys(attributes);
  }

  /** Schedules the first arrival; call once when the model runs from empty. */
  begin(): void {
    if (this.count <= 0) return;
    this.arrival = this.env.timeout(Math.max(0, this.start - this.env.now)).addCallback(this.arrive);
  }

  /**
   * The next arrival's event. Only the source holds it, so one event serves every arrival in turn
   * (`_again` once processed): a source of many entities costs one event, not one per entity.
   */
  private arrival: Event | undefined = undefined;

  private arrive = (): void => {
    const n = ++this.created;
    const names = this.attributeNames;
    let attributes = NO_ATTRIBUTES;
    if (names.length > 0) {
      const drawn: Record<string, number> = {};
      for (let i = 0; i < names.length; i++) drawn[names[i]!] = this.attributes[names[i]!]!.sample();
      attributes = drawn;
    }
    const entity = new Entity(n, this.env.now, attributes);
    if (this.created < this.count) this.arrival!._again(this.arrive, this.interArrival.sample());
    this.enter(entity);
  };

  protected accept(entity: Entity): void {
    this.leave(entity);
  }
}

/** Holds each entity for a sampled duration; any number at once. */
export class Delay extends Block {
  constructor(
    env: Environment,
    id: string,
    private readonly duration: Sampler,
    /** Entity attribute that, when it holds a number, overrides the sampled duration. */
    private readonly durationAttribute: string | undefined,
    step?: string,
  ) {
    super(env, id, 'delay', step);
  }

  /** The duration this entity would spend here (its attribute, or a draw). */
  durationFor(entity: Entity): number {
    if (this.durationAttribute !== undefined) {
      // Only a number counts: an inherited property ("constructor") never is one.
      const own = entity.attributes[this.durationAttribute];
      if (typeof own === 'number') return own;
    }
    return this.duration.sample();
  }

  /**
   * The expected time left here for an entity already here for `elapsed` (its own duration, or the
   * distribution's mean of what is longer than `elapsed`); undefined when it should have left.
   */
  expectedRemaining(entity: Entity, elapsed: number): number | undefined {
    if (this.durationAttribute !== undefined) {
      const own = entity.attributes[this.durationAttribute];
      if (typeof own === 'number') return own > elapsed ? own - elapsed : undefined;
    }
    const mean = this.duration.meanAbove(elapsed);
    return mean === undefined ? undefined : mean - elapsed;
  }

  protected accept(entity: Entity): void {
    const duration = this.durationFor(entity);
    entity.work = duration;
    entity.until = this.env.now + duration;
    this.startTimer(entity, duration);
  }

  /**
   * Restores an entity that entered at `since` and has `remaining` time left here; `work`, its whole
   * time here when that is not the time since `since` plus `remaining` (it was suspended meanwhile).
   */
  place(entity: Entity, since: number, remaining: number, work?: number): void {
    this.restore(entity, since);
    const left = Math.max(0, remaining);
    entity.until = this.env.now + left;
    entity.work = work ?? entity.until - since;
    this.startTimer(entity, left);
  }

  /**
   * Stops the clock of `entity` here, as of `at` (now, or earlier for an interruption restored
   * mid-way): it stays, with the time it had left then (its work less the part done before `at`).
   * Returns false, and changes nothing, when it is due to leave by `at` anyway.
   */
  suspend(entity: Entity, at: number): boolean {
    const timer = entity.timer;
    const left = entity.until - Math.max(at, entity.enteredAt);
    if (timer === undefined || timer._processed || !(left > 0)) return false;
    timer.removeCallback(this.done);
    entity.timer = undefined;
    entity.left = Math.min(left, entity.work);
    return true;
  }

  /** Starts the clock of a suspended `entity` again: the time it had left (`restart`: its whole work again). */
  resume(entity: Entity, restart: boolean): void {
    const left = restart ? entity.work : entity.left;
    entity.until = this.env.now + left;
    this.startTimer(entity, left);
  }

  /**
   * Starts the clock of `entity` here: it leaves `duration` from now. The event that ended its
   * last delay (processed, in this run) serves again: an entity that goes through many delays costs
   * one event, not one per delay. A suspended entity's event is let go (it stays in the calendar).
   */
  private startTimer(entity: Entity, duration: number): void {
    const timer = entity.timer;
    if (timer !== undefined && timer._processed && timer.env === this.env)
      timer._again(this.done, duration, entity);
    else entity.timer = this.env.timeout(duration, entity).addCallback(this.done);
  }

  private done = (event: Event<Entity>): void => {
    this.leave(event._value as Entity);
  };
}

/** Waits for a unit of a resource (the resource's queue is this block's queue), then passes on holding it. */
export class Seize extends Block {
  constructor(
    env: Environment,
    id: string,
    readonly resource: BaseResource<Entity>,
    readonly resourceId: string,
    step?: string,
  ) {
    super(env, id, 'seize', step);
  }

  protected accept(entity: Entity): void {
    const free = this.resource.tryAcquire(entity);
    if (free === undefined) this.resource.request(entity).addCallback(this.granted);
    else {
      addHolding(entity, free);
      this.leave(entity);
    }
  }

  /** Restores an entity that already holds a unit since `since` (seized beyond capacity if need be). */
  hold(entity: Entity, since: number): void {
    this.restore(entity, since);
    addHolding(entity, this.resource.seize(entity, since));
    this.stats.left++;
  }

  /** Restores an entity that has been waiting since `since` (its place in a first-come queue). */
  place(entity: Entity, since: number): void {
    this.restore(entity, since);
    this.resource.request(entity, 0, since).addCallback(this.granted);
  }

  private granted = (event: Event<Request<Entity>>): void => {
    const request = event._value as Request<Entity>;
    const entity = request.owner;
    addHolding(entity, request);
    this.leave(entity);
  };
}

/** Gives back the unit of a resource that the entity holds. */
export class Release extends Block {
  constructor(
    env: Environment,
    id: string,
    private readonly resource: BaseResource<Entity>,
    private readonly resourceId: string,
    step?: string,
  ) {
    super(env, id, 'release', step);
  }

  protected accept(entity: Entity): void {
    // The unit of this resource seized last: in `heldMore` from its end, else `held`; the last of
    // `heldMore` takes its place.
    const resource = this.resource;
    const more = entity.heldMore;
    let request: Request<Entity> | undefined;
    let i = more === undefined ? -1 : more.length - 1;
    while (i >= 0 && more![i]!.resource !== resource) i--;
    if (i >= 0) {
      request = more![i]!;
      more![i] = more![more!.length - 1]!;
      more!.pop();
    } else if (entity.held !== undefined && entity.held.resource === resource) {
      request = entity.held;
      entity.held = more === undefined ? undefined : more.pop();
    } else {
      throw new ModelError(
        `block "${this.id}": entity ${entity.id} does not hold resource "${this.resourceId}"`,
      );
    }
    resource.release(request);
    this.leave(entity);
  }
}

export type RouterRule = 'alternate' | 'random';

/** Sends each entity to one of several blocks: in turn, or at random with weights. */
export class Router extends Block {
  targets: Block[] = [];
  private turn = 0;

  constructor(
    env: Environment,
    id: string,
    private readonly rule: RouterRule,
    private readonly weights: readonly number[] | undefined,
    private readonly random: Random,
    step?: string,
  ) {
    super(env, id, 'router', step);
  }

  protected accept(entity: Entity): void {
    this.stats.left++;
    this.observer?.leave?.(this, entity, this.env.now);
    this.pick().enter(entity);
  }

  private pick(): Block {
    const targets = this.targets;
    if (this.rule === 'alternate') {
      const target = targets[this.turn]!;
      this.turn = (this.turn + 1) % targets.length;
      return target;
    }
    const weights = this.weights ?? targets.map(() => 1);
    const total = weights.reduce((s, w) => s + w, 0);
    let u = this.random.next() * total;
    for (let i = 0; i < targets.length; i++) {
      u -= weights[i]!;
      if (u < 0) return targets[i]!;
    }
    return targets[targets.length - 1]!;
  }
}

/** Adds `request` to the units `entity` holds (in `held` if it holds none, else in `heldMore`). */
function addHolding(entity: Entity, request: Request<Entity>): void {
  if (entity.held === undefined) entity.held = request;
  else if (entity.heldMore === undefined) entity.heldMore = [request];
  else entity.heldMore.push(request);
}

/** Where entities leave the model; records time in system. */
export class Sink extends Block {
  readonly timeInSystem = new Samples();

  constructor(env: Environment, id: string, step?: string) {
    super(env, id, 'sink', step);
  }

  protected accept(entity: Entity): void {
    this.stats.left++;
    if (this.recordTimes) this.timeInSystem.add(this.env.now - entity.createdAt);
    this.observer?.leave?.(this, entity, this.env.now);
  }
}
