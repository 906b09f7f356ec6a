// The simulation environment: the clock, the event calendar and the loop that processes it.
import { EventQueue } from './EventQueue.ts';
import { EmptyScheduleError, SimError, SimulationLimitError } from './errors.ts';
import { AllOf, AnyOf, Event, Priority, Process, type ProcessGenerator, Timeout } from './events.ts';

// Sequence numbers stay below 2^43, so (priority, sequence) packs exactly into one double.
const PRIORITY_STRIDE = 2 ** 43;

/** Holds the simulated clock and the event calendar; `run` processes events in (time, priority, sequence) order. */
export class Environment {
  private clock: number;
  private readonly queue = new EventQueue<Event>();
  // Due-now lists: an event scheduled without delay waits in a list per priority, in the order
  // scheduled, not in the calendar's heap. Such events make most of a model's events (a process's
  // start and end, a request granted, an event succeeded); they come out of a list in that order
  // anyway, and a list takes and gives them without sifting the heap. `step` takes the first of the
  // lists' heads and the heap's top by (time, priority, sequence), so the order is the heap's alone.
  private readonly urgentNow = new DueNowList();
  private readonly normalNow = new DueNowList();
  private readonly lateNow = new DueNowList();
  private sequence = 0;
  private stopped = false;
  /** Number of events processed so far. */
  eventsProcessed = 0;
  /** @internal */
  _activeProcess: Process<unknown> | null = null;

  constructor(readonly initialTime = 0) {
    if (!Number.isFinite(initialTime))
      throw new SimError(`the initial time must be a finite number, got ${initialTime}`);
    this.clock = initialTime;
  }

  /** The current simulated time. */
  get now(): number {
    return this.clock;
  }

  /** The process whose generator is running, if any. */
  get activeProcess(): Process<unknown> | null {
    return this._activeProcess;
  }

  /** Number of events in the calendar. */
  get pending(): number {
    return this.queue.size + this.urgentNow.size + this.normalNow.size + this.lateNow.size;
  }

  /** Puts `event` in the calendar, `delay` after now. */
  schedule(event: Event, priority: Priority = Priority.normal, delay = 0): void {
    const key = priority * PRIORITY_STRIDE + this.sequence++;
    if (delay === 0) {
      (priority === Priority.normal
        ? this.normalNow
        : priority === Priority.urgent
          ? this.urgentNow
          : this.lateNow
      ).push(event, key);
    } else this.queue.push(this.clock + delay, key, event);
  }

  /** Time of the next event, or Infinity. */
  peek(): number {
    return this.urgentNow.size + this.normalNow.size + this.lateNow.size > 0
      ? this.clock
      : this.queue.peekTime();
  }

  /** Processes the next event; throws the error of a failed event that nobody handled. */
  step(): void {
    const event = this.takeNext();
    if (event === undefined) throw new EmptyScheduleError('no events left to process');
    this.processEvent(event);
  }

  /** Takes the next event out of the calendar, the clock moved to its time; undefined if there is none. */
  private takeNext(): Event | undefined {
    // The first non-empty list has the least key of the lists' heads: priority leads the key.
    const now =
      this.urgentNow.size > 0
        ? this.urgentNow
        : this.normalNow.size > 0
          ? this.normalNow
          : this.lateNow.size > 0
            ? this.lateNow
            : undefined;
    const queue = this.queue;
    // Due now, and nothing in the heap comes before it.
    if (
      now !== undefined &&
      !(queue.size > 0 && queue.peekTime() === this.clock && queue.peekKey() < now.peekKey())
    )
      return now.shift();
    const event = queue.pop();
    if (event !== undefined) this.clock = queue.lastTime;
    return event;
  }

  private processEvent(event: Event): void {
    this.eventsProcessed++;
    event._process();
    if (!event._ok && !event.defused) throw event._value;
  }

  /**
   * Runs until the calendar is empty, until time `until` (events at exactly that time are not
   * processed), or until the event `until` has been processed; returns that event's value.
   *
   * A run that would process more than `maxEvents` events throws a SimulationLimitError: events
   * that no time separates can otherwise go on for ever. `check` is called after every
   * `checkEvery` events, for an outer layer's progress reports and checks (the wall clock never
   * enters the kernel); what it throws ends the run. Either way the calendar stays as it was.
   */
  run(
    options: { until?: number | Event; maxEvents?: number; checkEvery?: number; check?: () => void } = {},
  ): unknown {
    const { until, maxEvents, checkEvery, check } = options;
    if (maxEvents !== undefined && !(maxEvents >= 0)) {
      throw new SimError(`maxEvents must be a number >= 0, got ${maxEvents}`);
    }
    if (check !== undefined && !(checkEvery! >= 1)) {
      throw new SimError(`checkEvery must be a number >= 1, got ${checkEvery}`);
    }
    const limit = this.eventsProcessed + (maxEvents ?? Number.POSITIVE_INFINITY);
    let nextCheck = check === undefined ? Number.POSITIVE_INFINITY : this.eventsProcessed + checkEvery!;
    // The budget and the checks cost the hot loop one comparison per event.
    let checkpoint = Math.min(limit, nextCheck);
    let stopAt: Event | undefined;
    // One stop callback per run, detached afterwards: a run that ends by an error leaves no stale
    // stop behind for the next run.
    const stop = (): void => {
      this.stopped = true;
      // The stop event of a numeric `until` is the kernel's own, not a model event.
      if (typeof until === 'number') this.eventsProcessed--;
    };
    if (until !== undefined) {
      if (typeof until === 'number') {
        if (!(until > this.clock)) {
          throw new SimError(`until (${until}) must be later than the current time (${this.clock})`);
        }
        stopAt = new Event(this);
        stopAt._value = undefined;
        this.schedule(stopAt, Priority.urgent, until - this.clock);
      } else {
        stopAt = until;
        if (stopAt.processed) return stopAt.value;
      }
      stopAt.addCallback(stop);
    }
    this.stopped = false;
    try {
      while (!this.stopped) {
        if (this.eventsProcessed >= checkpoint) {
          if (this.eventsProcessed >= nextCheck) {
            nextCheck += checkEvery!;
            check!();
          }
          // At the limit, an empty calendar, or a numeric `until` whose stop event is next, ends the
          // run: that stop event is no model event.
          if (
            this.eventsProcessed >= limit &&
            this.pending > 0 &&
            !(typeof until === 'number' && this.peek() >= until)
          ) {
            throw new SimulationLimitError(
              `the simulation processed ${maxEvents!.toLocaleString('en')} event${maxEvents === 1 ? '' : 's'} (its limit) and had not ended, at simulated time ${this.clock}`,
              'events',
              maxEvents!,
              maxEvents!,
            );
          }
          checkpoint = Math.min(limit, nextCheck);
        }
        const event = this.takeNext();
        if (event === undefined) {
          if (stopAt !== undefined && typeof until !== 'number') {
            throw new EmptyScheduleError('no events left, but the "until" event was not triggered');
          }
          return undefined;
        }
        this.processEvent(event);
      }
    } finally {
      this.stopped = false;
      stopAt?.removeCallback(stop);
    }
    if (stopAt !== undefined && !stopAt._ok) throw stopAt._value;
    return stopAt?._value;
  }

  /** A new, untriggered event. */
  event<T = unknown>(): Event<T> {
    return new Event<T>(this);
  }

  /** An event that succeeds after `delay`. */
  timeout<T = undefined>(delay: number, value?: T): Timeout<T> {
    return new Timeout(this, delay, value);
  }

  /** Starts a process driven by `generator`. */
  process<T>(generator: ProcessGenerator<T>): Process<T> {
    return new Process(this, generator);
  }

  /** An event that succeeds when all of `events` have. */
  allOf(events: readonly Event[]): AllOf {
    return new AllOf(this, events);
  }

  /** An event that succeeds when any of `events` has. */
  anyOf(events: readonly Event[]): AnyOf {
    return new AnyOf(this, events);
  }
}

/** Events due now of one priority, first in first out, with their (priority, sequence) keys. */
class DueNowList {
  private events: (Event | undefined)[] = [];
  private keys: number[] = [];
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  push(event: Event, key: number): void {
    this.events[this.tail] = event;
    this.keys[this.tail++] = key;
  }

  /** Key of the first event (only when there is one). */
  peekKey(): number {
    return this.keys[this.head]!;
  }

  shift(): Event {
    const event = this.events[this.head]!;
    this.events[this.head] = undefined;
    // Drained: the list starts over (its arrays keep their room).
    if (++this.head === this.tail) this.head = this.tail = 0;
    return event;
  }
}
