// Everything a process can wait on: events with callbacks, timeouts, processes (themselves events
// that drive a generator), interruptions and the all-of / any-of conditions. SimPy's events.py, in
// TypeScript.
import type { Environment } from './Environment.ts';
import { EventStateError, Interrupt, SimError } from './errors.ts';

/** Scheduling priorities at one instant: urgent before normal before late. */
export const Priority = { urgent: 0, normal: 1, late: 2 } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

const PENDING: unique symbol = Symbol('pending');
/** Bits of an event's `_flags`. */
const PROCESSED = 1;
const FAILED = 2;
const DEFUSED = 4;

// biome-ignore lint/suspicious/noExplicitAny: callbacks accept events of any value type
export type Callback = (event: Event<any>) => void;

/** A thing that may happen at some point in simulated time; callbacks run when it is processed. */
export class Event<T = unknown> {
  /**
   * @internal what runs when the event is processed: its one callback (most events have exactly
   * one), or a process waiting for it (kept as itself: no function of its own to allocate, resumed
   * with the event); from a second on, all of them as functions, in the order they were added
   */
  _callback: Callback | Process<unknown> | Callback[] | undefined = undefined;
  /** @internal value, the failure's error, or PENDING */
  _value: unknown = PENDING;
  /** @internal PROCESSED, FAILED and DEFUSED in one field: an event is made for nearly every step */
  _flags = 0;

  constructor(readonly env: Environment) {}

  /** @internal set once the callbacks have run */
  get _processed(): boolean {
    return (this._flags & PROCESSED) !== 0;
  }

  /** @internal false once failed */
  get _ok(): boolean {
    return (this._flags & FAILED) === 0;
  }
  set _ok(ok: boolean) {
    this._flags = ok ? this._flags & ~FAILED : this._flags | FAILED;
  }

  /** A failed event marked defused does not stop the simulation when nobody else handles it. */
  get defused(): boolean {
    return (this._flags & DEFUSED) !== 0;
  }
  set defused(defused: boolean) {
    this._flags = defused ? this._flags | DEFUSED : this._flags & ~DEFUSED;
  }

  /** True once the event has been scheduled with a value (succeeded or failed). */
  get triggered(): boolean {
    return this._value !== PENDING;
  }

  /** True once the event's callbacks have run. */
  get processed(): boolean {
    return this._processed;
  }

  /** The callbacks that will run when the event is processed (empty once it has been). */
  get callbacks(): readonly Callback[] {
    const callbacks = this._callback;
    if (this._processed || callbacks === undefined) return [];
    return Array.isArray(callbacks) ? [...callbacks] : [asCallback(callbacks)];
  }

  /** Whether the event succeeded; only meaningful once triggered. */
  get ok(): boolean {
    if (this._value === PENDING) throw new EventStateError('the event has not been triggered yet');
    return this._ok;
  }

  /** The event's value (or error, if it failed). */
  get value(): T {
    if (this._value === PENDING) throw new EventStateError('the value of a pending event is not available');
    return this._value as T;
  }

  /** Schedules the event as succeeded with `value`. */
  succeed(value?: T, priority: Priority = Priority.normal): this {
    if (this._value !== PENDING) throw new EventStateError('the event has already been triggered');
    this._ok = true;
    this._value = value;
    this.env.schedule(this, priority);
    return this;
  }

  /** Schedules the event as failed with `error`; thrown from the kernel if nobody handles it. */
  fail(error: unknown): this {
    if (this._value !== PENDING) throw new EventStateError('the event has already been triggered');
    this._ok = false;
    this._value = error;
    this.env.schedule(this);
    return this;
  }

  /** Triggers this event with the state of `event` (use as a callback to chain events). */
  trigger(event: Event): void {
    if (this._value !== PENDING) return;
    this._ok = event._ok;
    this._value = event._value;
    this.env.schedule(this);
  }

  /** Adds a callback; it runs at once if the event has already been processed. */
  addCallback(callback: Callback): this {
    if (this._processed) {
      callback(this);
      return this;
    }
    const callbacks = this._callback;
    if (callbacks === undefined) this._callback = callback;
    else if (Array.isArray(callbacks)) callbacks.push(callback);
    else this._callback = [asCallback(callbacks), callback];
    return this;
  }

  /** Removes a callback that has not run yet. */
  removeCallback(callback: Callback): void {
    if (this._processed) return;
    const callbacks = this._callback;
    if (Array.isArray(callbacks)) {
      const i = callbacks.indexOf(callback);
      if (i >= 0) callbacks.splice(i, 1);
    } else if (callbacks === callback || (callbacks instanceof Process && callbacks._resumeFn === callback)) {
      this._callback = undefined;
    }
  }

  /**
   * @internal makes a processed event pending again, to be triggered anew: for an event that only
   * its owner holds (a resource's end-of-instant dispatch), which spares one event per use.
   */
  _rearm(): void {
    this._flags = 0;
    this._value = PENDING;
  }

  /**
   * @internal schedules the event as succeeded with `value`, `delay` from now: a timeout's start, and
   * an event that serves again (see `_again`).
   */
  _succeedAfter(delay: number, value?: T): void {
    if (!(delay >= 0)) throw new SimError(`a timeout's delay must be a number >= 0, got ${delay}`);
    this._value = value;
    this.env.schedule(this, Priority.normal, delay);
  }

  /**
   * @internal makes a processed event that only its owner holds serve again: pending once more, with
   * `callback` as its one callback, succeeding with `value` `delay` from now. One event per owner
   * rather than one per use (a source's arrivals, an entity's delays).
   */
  _again(callback: Callback, delay: number, value?: T): void {
    this._rearm();
    this._callback = callback;
    this._succeedAfter(delay, value);
  }

  /** @internal runs the callbacks (called by the environment) */
  _process(): void {
    this._flags |= PROCESSED;
    const callbacks = this._callback;
    if (callbacks === undefined) return;
    this._callback = undefined;
    if (typeof callbacks === 'function') callbacks(this);
    else if (callbacks instanceof Process) callbacks._resumeWith(this);
    else for (let i = 0; i < callbacks.length; i++) callbacks[i]!(this);
  }
}

/** A callback as a function: a waiting process's own. */
const asCallback = (callback: Callback | Process<unknown>): Callback =>
  typeof callback === 'function' ? callback : callback._resume;

/** An event that succeeds `delay` time units after its creation. */
export class Timeout<T = undefined> extends Event<T> {
  constructor(
    env: Environment,
    readonly delay: number,
    value?: T,
  ) {
    super(env);
    this._succeedAfter(delay, value);
  }
}

/** Starts a process at the current instant, before the instant's normal events. */
class Initialize extends Event<undefined> {
  constructor(env: Environment, process: Process<unknown>) {
    super(env);
    this._callback = process;
    this._value = undefined;
    env.schedule(this, Priority.urgent);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: a process may yield any kind of event
export type ProcessGenerator<T = unknown> = Generator<Event<any>, T, any>;

/** A process: an event that drives a generator and succeeds with the generator's return value. */
export class Process<T = unknown> extends Event<T> {
  /** @internal the event the process waits for */
  _target: Event | null;

  constructor(
    env: Environment,
    private readonly generator: ProcessGenerator<T>,
  ) {
    super(env);
    if (typeof generator?.next !== 'function' || typeof generator.throw !== 'function') {
      throw new SimError('a process needs a generator (call the generator function)');
    }
    this._target = new Initialize(env, this as Process<unknown>);
  }

  /** The event the process is waiting for, or null once it has finished. */
  get target(): Event | null {
    return this._target;
  }

  get isAlive(): boolean {
    return this._value === PENDING;
  }

  /** Throws an Interrupt into the process at the current instant. */
  interrupt(cause?: unknown): void {
    new Interruption(this as Process<unknown>, cause);
  }

  /** @internal `_resumeWith` as a callback, made when first asked for */
  _resumeFn: Callback | undefined = undefined;

  /** @internal resumes the process with the value (or error) of the event given: as a callback. */
  get _resume(): Callback {
    this._resumeFn ??= (trigger: Event) => this._resumeWith(trigger);
    return this._resumeFn;
  }

  /** @internal resumes the generator with the value (or error) of `event`. */
  _resumeWith(trigger: Event): void {
    const env = this.env;
    env._activeProcess = this as Process<unknown>;
    let event: Event = trigger;
    for (;;) {
      let step: IteratorResult<Event, T>;
      try {
        if (event._ok) step = this.generator.next(event._value);
        else {
          event.defused = true;
          step = this.generator.throw(event._value);
        }
      } catch (error) {
        this._ok = false;
        this._value = error;
        this._target = null;
        env.schedule(this);
        break;
      }
      if (step.done) {
        this._ok = true;
        this._value = step.value;
        this._target = null;
        env.schedule(this);
        break;
      }
      const next = step.value;
      if (!(next instanceof Event)) {
        const invalid = new Event(env);
        invalid._ok = false;
        invalid._value = new SimError(`a process may only yield events, got ${String(next)}`);
        event = invalid;
        continue;
      }
      if (!next._processed) {
        if (next._callback === undefined) next._callback = this as Process<unknown>;
        else next.addCallback(this._resume);
        this._target = next;
        break;
      }
      event = next;
    }
    env._activeProcess = null;
  }
}

/** Delivers an Interrupt into a process, detaching it from the event it waited for. */
class Interruption extends Event<undefined> {
  constructor(
    private readonly process: Process<unknown>,
    cause: unknown,
  ) {
    super(process.env);
    if (!process.isAlive) throw new SimError('a process that has finished cannot be interrupted');
    if (process.env.activeProcess === process) throw new SimError('a process may not interrupt itself');
    this._callback = this.deliver;
    this._ok = false;
    this._value = new Interrupt(cause);
    this.defused = true;
    process.env.schedule(this, Priority.urgent);
  }

  private deliver = (): void => {
    const process = this.process;
    if (!process.isAlive) return;
    process._target?.removeCallback(process._resume);
    process._resumeWith(this);
  };
}

/** Values of the events of a condition that had happened when it was processed, in their given order. */
export type ConditionValue = Map<Event, unknown>;

/** An event that succeeds when `evaluate` holds for its events, and fails as soon as one fails. */
export class Condition extends Event<ConditionValue> {
  private count = 0;

  constructor(
    env: Environment,
    private readonly evaluate: (events: readonly Event[], count: number) => boolean,
    private readonly events: readonly Event[],
  ) {
    super(env);
    for (const event of events) {
      if (event.env !== env) throw new SimError('a condition cannot mix events of different environments');
    }
    this._callback = this.collect;
    if (events.length === 0) {
      this.succeed(new Map());
      return;
    }
    for (const event of events) event.addCallback(this.check);
  }

  private check = (event: Event): void => {
    if (this._value !== PENDING) return;
    this.count++;
    if (!event._ok) {
      event.defused = true;
      this.fail(event._value);
    } else if (this.evaluate(this.events, this.count)) {
      this.succeed();
    }
  };

  private collect = (): void => {
    for (const event of this.events) event.removeCallback(this.check);
    if (!this._ok) return;
    const value: ConditionValue = new Map();
    for (const event of this.events) if (event._processed) value.set(event, event._value);
    this._value = value;
  };
}

/** Succeeds when all of its events have succeeded. */
export class AllOf extends Condition {
  constructor(env: Environment, events: readonly Event[]) {
    super(env, (all, count) => count === all.length, events);
  }
}

/** Succeeds when any of its events has succeeded. */
export class AnyOf extends Condition {
  constructor(env: Environment, events: readonly Event[]) {
    super(env, (_all, count) => count > 0, events);
  }
}
