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
  // Events due now at late priority (a resource's end-of-instant dispatch, once per release) wait
  // in a list in the order scheduled, not in the calendar's heap: they come out in that order
  // anyway, and a list takes and gives them without sifting a long calendar. `lateKeys` holds
  // their (priority, sequence) keys; `step` takes whichever of the list and the heap comes first.
  private readonly late: (Event | undefined)[] = [];
  private readonly lateKeys: number[] = [];
  private lateHead = 0;
  private lateTail = 0;
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
    return this.queue.size + this.lateTail - this.lateHead;
  }

  /** Puts `event` in the calendar, `delay` after now. */
  schedule(event: Event, priority: Priority = Priority.normal, delay = 0): void {
    const key = priority * PRIORITY_STRIDE + this.sequence++;
    if (priority === Priority.late && delay === 0) {
      this.late[this.lateTail] = event;
      this.lateKeys[this.lateTail++] = key;
    } else this.queue.push(this.clock + delay, key, event);
  }

  /** Time of the next event, or Infinity. */
  peek(): number {
    return this.lateHead < this.lateTail ? this.clock : this.queue.peekTime();
  }

  /** Processes the next event; throws the error of a failed event that nobody handled. */
  step(): void {
    let event: Event | undefined;
    const head = this.lateHead;
    if (
      head < this.lateTail &&
      !(
        this.queue.size > 0 &&
        this.queue.peekTime() === this.clock &&
        this.queue.peekKey() < this.lateKeys[head]!
      )
    ) {
      // Due now, and nothing in the heap comes before it.
      event = this.late[head]!;
      this.late[head] = undefined;
      // Drained: the list starts over (its arrays keep their room).
      if (++this.lateHead === this.lateTail) this.lateHead = this.lateTail = 0;
    } else {
      event = this.queue.pop();
      if (event === undefined) throw new EmptyScheduleError('no events left to process');
      this.clock = this.queue.lastTime;
    }
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
        if (this.pending === 0) {
          if (stopAt !== undefined && typeof until !== 'number') {
            throw new EmptyScheduleError('no events left, but the "until" event was not triggered');
          }
          return undefined;
        }
        this.step();
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
