// Unit and property tests of the discrete-event kernel: the environment's clock and calendar,
// events and callbacks, processes, interrupts and the all-of / any-of conditions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AllOf,
  AnyOf,
  Condition,
  EmptyScheduleError,
  Environment,
  type Event,
  EventStateError,
  Interrupt,
  Priority,
  Process,
  type ProcessGenerator,
  SimError,
  seededRng,
  Timeout,
} from '../../sim-core/index.ts';

describe('Environment', () => {
  it('starts the clock at zero by default', () => {
    const env = new Environment();

    expect(env.now).toBe(0);
    expect(env.initialTime).toBe(0);
  });

  it('starts the clock at the given initial time and schedules relative to it', () => {
    const env = new Environment(100);
    const timeout = env.timeout(5);

    env.run();

    expect(timeout.processed).toBe(true);
    expect(env.now).toBe(105);
  });

  it('rejects an initial time that is not a finite number', () => {
    expect(() => new Environment(Number.NaN)).toThrow(SimError);
    expect(() => new Environment(Number.POSITIVE_INFINITY)).toThrow(/finite number/);
  });

  it('runs until a time without processing events at exactly that time, and sets now to it', () => {
    const env = new Environment();
    const before = env.timeout(4);
    const atUntil = env.timeout(5);
    const after = env.timeout(7);

    const result = env.run({ until: 5 });

    expect(result).toBeUndefined();
    expect(env.now).toBe(5);
    expect(before.processed).toBe(true);
    expect(atUntil.processed).toBe(false);
    expect(after.processed).toBe(false);
  });

  it('sets now to until even when the calendar empties earlier', () => {
    const env = new Environment();
    env.timeout(1);

    env.run({ until: 50 });

    expect(env.now).toBe(50);
    expect(env.pending).toBe(0);
  });

  it('continues a run from where the previous run stopped', () => {
    const env = new Environment();
    const times: number[] = [];
    for (const t of [2, 6, 9]) env.timeout(t).addCallback(() => times.push(env.now));

    env.run({ until: 5 });
    const firstLeg = [...times];
    env.run({ until: 10 });

    expect(firstLeg).toEqual([2]);
    expect(times).toEqual([2, 6, 9]);
    expect(env.now).toBe(10);
  });

  it('runs until an event and returns its value', () => {
    const env = new Environment();
    const target = env.timeout(3, 'done');
    const later = env.timeout(8);

    const result = env.run({ until: target });

    expect(result).toBe('done');
    expect(env.now).toBe(3);
    expect(later.processed).toBe(false);
  });

  it('returns at once the value of an until event that has already been processed', () => {
    const env = new Environment();
    const target = env.timeout(2, 42);
    env.run();
    const pendingBefore = env.pending;

    const result = env.run({ until: target });

    expect(result).toBe(42);
    expect(pendingBefore).toBe(0);
    expect(env.now).toBe(2);
  });

  it('throws EmptyScheduleError when the schedule empties before the until event happens', () => {
    const env = new Environment();
    const never = env.event();
    env.timeout(4);

    expect(() => env.run({ until: never })).toThrow(EmptyScheduleError);
    expect(env.now).toBe(4);
  });

  it('throws the error of an until event that failed, even when the failure was defused', () => {
    const env = new Environment();
    const target = env.event();
    target.defused = true;
    const error = new Error('target failed');
    target.fail(error);

    expect(() => env.run({ until: target })).toThrow(error);
  });

  it('ends a run without until when the calendar is empty', () => {
    const env = new Environment();
    env.timeout(3);
    env.timeout(11);

    const result = env.run();

    expect(result).toBeUndefined();
    expect(env.now).toBe(11);
    expect(env.pending).toBe(0);
  });

  it('rejects an until time that is not later than now', () => {
    const env = new Environment(10);

    expect(() => env.run({ until: 10 })).toThrow(SimError);
    expect(() => env.run({ until: 3 })).toThrow(/must be later than the current time/);
    expect(() => env.run({ until: Number.NaN })).toThrow(SimError);
  });

  it('runs simultaneous events first-in-first-out', () => {
    const env = new Environment();
    const order: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) env.timeout(5).addCallback(() => order.push(name));

    env.run();

    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('runs urgent before normal before late events at the same time', () => {
    const env = new Environment();
    const order: string[] = [];
    const make = (name: string, priority: Priority): void => {
      env
        .event()
        .addCallback(() => order.push(name))
        .succeed(undefined, priority);
    };
    make('late-1', Priority.late);
    make('normal-1', Priority.normal);
    make('urgent-1', Priority.urgent);
    make('late-2', Priority.late);
    make('urgent-2', Priority.urgent);

    env.run();

    expect(order).toEqual(['urgent-1', 'urgent-2', 'normal-1', 'late-1', 'late-2']);
  });

  it('runs an earlier late event before a later urgent one', () => {
    const env = new Environment();
    const order: string[] = [];
    const late = env.event();
    const urgent = env.event();
    env.schedule(late, Priority.late, 1);
    env.schedule(urgent, Priority.urgent, 2);
    late.addCallback(() => order.push('late@1'));
    urgent.addCallback(() => order.push('urgent@2'));

    env.run();

    expect(order).toEqual(['late@1', 'urgent@2']);
  });

  it('throws EmptyScheduleError from step() when no events are left', () => {
    const env = new Environment();

    expect(() => env.step()).toThrow(EmptyScheduleError);
  });

  it('processes one event per step and advances the clock to its time', () => {
    const env = new Environment();
    const first = env.timeout(2);
    const second = env.timeout(7);

    env.step();

    expect(env.now).toBe(2);
    expect(first.processed).toBe(true);
    expect(second.processed).toBe(false);
    expect(env.eventsProcessed).toBe(1);
  });

  it('counts the events it has processed', () => {
    const env = new Environment();
    for (let i = 0; i < 7; i++) env.timeout(i);
    env.process(
      (function* (): ProcessGenerator<void> {
        yield env.timeout(1);
      })(),
    );

    env.run();

    // 7 timeouts, plus the process's start, its timeout and its own completion.
    expect(env.eventsProcessed).toBe(10);
  });

  it('peeks at the time of the next event, or Infinity when there is none', () => {
    const env = new Environment();
    const emptyPeek = env.peek();
    env.timeout(9);
    env.timeout(4);

    const peek = env.peek();

    expect(emptyPeek).toBe(Number.POSITIVE_INFINITY);
    expect(peek).toBe(4);
    expect(env.pending).toBe(2);
  });

  it('processes thousands of events in time order', () => {
    const env = new Environment();
    const rng = seededRng(11);
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      env.timeout(Math.floor(rng() * 1000)).addCallback(() => times.push(env.now));
    }

    env.run();

    expect(times).toHaveLength(5000);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('processes any set of events in (time, priority, creation) order', () => {
    const priorities = [Priority.urgent, Priority.normal, Priority.late] as const;
    fc.assert(
      fc.property(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 20 }), p: fc.integer({ min: 0, max: 2 }) }), {
          maxLength: 300,
        }),
        (specs) => {
          const env = new Environment();
          const seen: number[] = [];
          specs.forEach((spec, i) => {
            const event = env.event();
            event.addCallback(() => seen.push(i));
            event._value = undefined;
            env.schedule(event, priorities[spec.p]!, spec.delay);
          });

          env.run();

          const expected = specs
            .map((spec, i) => ({ ...spec, i }))
            .sort((a, b) => a.delay - b.delay || a.p - b.p || a.i - b.i)
            .map((s) => s.i);
          expect(seen).toEqual(expected);
        },
      ),
    );
  });

  it('keeps that order for events scheduled while it runs, at instants where earlier events are still due', () => {
    const priorities = [Priority.urgent, Priority.normal, Priority.late] as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            delay: fc.integer({ min: 0, max: 3 }),
            p: fc.integer({ min: 0, max: 2 }),
            parent: fc.nat(),
          }),
          { maxLength: 200 },
        ),
        (specs) => {
          // Event k is scheduled when event `parent` (an earlier one) is processed, or at the start.
          const parents = specs.map((spec, k) => (spec.parent % (k + 1)) - 1);
          const children = specs.map((_, k) => parents.flatMap((parent, c) => (parent === k ? [c] : [])));
          const env = new Environment();
          const seen: number[] = [];
          const schedule = (k: number) => {
            const event = env.event();
            event.addCallback(() => {
              seen.push(k);
              for (const c of children[k]!) schedule(c);
            });
            event._value = undefined;
            env.schedule(event, priorities[specs[k]!.p]!, specs[k]!.delay);
          };
          // The same by a sorted list of (time, priority, sequence).
          const expected: number[] = [];
          const pending: { time: number; p: number; seq: number; k: number }[] = [];
          let seq = 0;
          let now = 0;
          const add = (k: number) =>
            pending.push({ time: now + specs[k]!.delay, p: specs[k]!.p, seq: seq++, k });

          parents.forEach((parent, k) => {
            if (parent === -1) {
              schedule(k);
              add(k);
            }
          });
          env.run();
          while (pending.length > 0) {
            pending.sort((a, b) => a.time - b.time || a.p - b.p || a.seq - b.seq);
            const next = pending.shift()!;
            now = next.time;
            expected.push(next.k);
            for (const c of children[next.k]!) add(c);
          }

          expect(seen).toEqual(expected);
        },
      ),
    );
  });
});

describe('Event', () => {
  it('refuses to be succeeded or failed twice', () => {
    const env = new Environment();
    const succeeded = env.event().succeed(1);
    const failed = env.event();
    failed.defused = true;
    failed.fail(new Error('x'));

    expect(() => succeeded.succeed(2)).toThrow(EventStateError);
    expect(() => succeeded.fail(new Error('y'))).toThrow(EventStateError);
    expect(() => failed.succeed(3)).toThrow(EventStateError);
    expect(() => failed.fail(new Error('z'))).toThrow(EventStateError);
    expect(succeeded.value).toBe(1);
  });

  it('refuses to give the value or outcome of a pending event', () => {
    const env = new Environment();
    const event = env.event();

    expect(() => event.value).toThrow(EventStateError);
    expect(() => event.ok).toThrow(EventStateError);
    expect(event.triggered).toBe(false);
  });

  it('is triggered when succeeded and processed once its callbacks have run', () => {
    const env = new Environment();
    const event = env.event<string>();

    event.succeed('v');
    const triggeredBeforeRun = event.triggered;
    const processedBeforeRun = event.processed;
    env.run();

    expect(triggeredBeforeRun).toBe(true);
    expect(processedBeforeRun).toBe(false);
    expect(event.processed).toBe(true);
    expect(event.ok).toBe(true);
    expect(event.value).toBe('v');
  });

  it('runs its callbacks in the order they were added, with the event as argument', () => {
    const env = new Environment();
    const event = env.event<number>();
    const calls: string[] = [];
    event.addCallback((e) => calls.push(`a:${e.value}`));
    event.addCallback((e) => calls.push(`b:${e.value}`));
    event.addCallback((e) => calls.push(`c:${e.value}`));
    event.succeed(7);

    env.run();

    expect(calls).toEqual(['a:7', 'b:7', 'c:7']);
  });

  it('lists its pending callbacks and none once processed', () => {
    const env = new Environment();
    const event = env.event();
    const first = (): void => {};
    const second = (): void => {};
    const none = [...event.callbacks];
    event.addCallback(first);
    const one = [...event.callbacks];
    event.addCallback(second);
    const two = [...event.callbacks];

    event.succeed();
    env.run();

    expect(none).toEqual([]);
    expect(one).toEqual([first]);
    expect(two).toEqual([first, second]);
    expect(event.callbacks).toEqual([]);
  });

  it('runs a callback added after the event was processed at once', () => {
    const env = new Environment();
    const event = env.event<string>().succeed('late');
    env.run();
    let received: unknown;

    event.addCallback((e) => {
      received = e.value;
    });

    expect(received).toBe('late');
  });

  it('does not run a removed callback', () => {
    const env = new Environment();
    const event = env.event();
    const calls: string[] = [];
    const a = (): void => void calls.push('a');
    const b = (): void => void calls.push('b');
    const c = (): void => void calls.push('c');
    const d = (): void => void calls.push('d');
    event.addCallback(a).addCallback(b).addCallback(c).addCallback(d);

    event.removeCallback(a);
    event.removeCallback(c);
    event.removeCallback(() => {});
    event.succeed();
    env.run();

    expect(calls).toEqual(['b', 'd']);
  });

  it('keeps no callback when its only callback is removed', () => {
    const env = new Environment();
    const event = env.event();
    let called = false;
    const only = (): void => {
      called = true;
    };
    event.addCallback(only);

    event.removeCallback(() => {});
    const afterRemovingAStranger = [...event.callbacks];
    event.removeCallback(only);
    event.succeed();
    env.run();

    expect(afterRemovingAStranger).toEqual([only]);
    expect(called).toBe(false);
    expect(event.processed).toBe(true);
  });

  it('runs the second callback when the first of two is removed', () => {
    const env = new Environment();
    const event = env.event();
    const calls: string[] = [];
    const first = (): void => void calls.push('first');
    const second = (): void => void calls.push('second');
    event.addCallback(first).addCallback(second);

    event.removeCallback(first);
    event.addCallback(first);
    event.succeed();
    env.run();

    expect(calls).toEqual(['second', 'first']);
  });

  it('ignores removing a callback once the event is being processed', () => {
    const env = new Environment();
    const event = env.event();
    const calls: string[] = [];
    const second = (): void => void calls.push('second');
    event.addCallback(() => {
      calls.push('first');
      event.removeCallback(second);
    });
    event.addCallback(second);

    event.succeed();
    env.run();

    expect(calls).toEqual(['first', 'second']);
  });

  it('throws the error of a failed event that nobody handles from run()', () => {
    const env = new Environment();
    const error = new Error('nobody caught me');
    env.event().fail(error);

    expect(() => env.run()).toThrow(error);
  });

  it('does not throw a defused failure', () => {
    const env = new Environment();
    const event = env.event();
    event.defused = true;
    event.fail(new Error('defused'));
    env.timeout(3);

    env.run();

    expect(event.processed).toBe(true);
    expect(event.ok).toBe(false);
    expect(env.now).toBe(3);
  });

  it('lets a callback defuse a failure so that the run goes on', () => {
    const env = new Environment();
    const event = env.event();
    event.addCallback((e) => {
      e.defused = true;
    });
    event.fail(new Error('handled'));

    env.run();

    expect(event.defused).toBe(true);
  });

  it('passes its outcome on to a chained event with trigger()', () => {
    const env = new Environment();
    const source = env.timeout(2, 'payload');
    const chained = env.event<string>();
    source.addCallback((e) => chained.trigger(e));

    env.run();

    expect(chained.processed).toBe(true);
    expect(chained.ok).toBe(true);
    expect(chained.value).toBe('payload');
  });

  it('passes a failure on to a chained event with trigger()', () => {
    const env = new Environment();
    const source = env.event();
    source.defused = true;
    const chained = env.event();
    const error = new Error('chained failure');
    source.addCallback((e) => chained.trigger(e));
    source.fail(error);

    expect(() => env.run()).toThrow(error);
    expect(chained.ok).toBe(false);
    expect(chained.value).toBe(error);
  });

  it('ignores trigger() on an event that was already triggered', () => {
    const env = new Environment();
    const source = env.timeout(1, 'new');
    const chained = env.event<string>().succeed('old');
    source.addCallback((e) => chained.trigger(e));

    env.run();

    expect(chained.value).toBe('old');
  });
});

describe('Timeout', () => {
  it('succeeds with its value after its delay', () => {
    const env = new Environment();
    const timeout = env.timeout(6, { part: 'A' });

    env.run();

    expect(timeout).toBeInstanceOf(Timeout);
    expect(timeout.delay).toBe(6);
    expect(timeout.value).toEqual({ part: 'A' });
    expect(env.now).toBe(6);
  });

  it('rejects a negative or non-numeric delay', () => {
    const env = new Environment();

    expect(() => env.timeout(-1)).toThrow(SimError);
    expect(() => env.timeout(Number.NaN)).toThrow(/delay must be a number >= 0/);
  });
});

describe('Process', () => {
  it('waits on timeouts', () => {
    const env = new Environment();
    const times: number[] = [];
    env.process(
      (function* (): ProcessGenerator<void> {
        times.push(env.now);
        yield env.timeout(3);
        times.push(env.now);
        yield env.timeout(2);
        times.push(env.now);
      })(),
    );

    env.run();

    expect(times).toEqual([0, 3, 5]);
  });

  it('receives the value of the event it waited for', () => {
    const env = new Environment();
    let received: unknown;
    env.process(
      (function* (): ProcessGenerator<void> {
        received = yield env.timeout(1, 'hello');
      })(),
    );

    env.run();

    expect(received).toBe('hello');
  });

  it('waits for another process and gets its return value', () => {
    const env = new Environment();
    const worker = env.process(
      (function* (): ProcessGenerator<string> {
        yield env.timeout(4);
        return 'part-17';
      })(),
    );
    let got: unknown;
    let at = -1;
    env.process(
      (function* (): ProcessGenerator<void> {
        got = yield worker;
        at = env.now;
      })(),
    );

    env.run();

    expect(got).toBe('part-17');
    expect(at).toBe(4);
    expect(worker.value).toBe('part-17');
  });

  it('is alive with a target until its generator returns', () => {
    const env = new Environment();
    const timeout = env.timeout(2);
    let targetWhileWaiting: Event | null = null;
    const proc = env.process(
      (function* (): ProcessGenerator<number> {
        yield timeout;
        return 1;
      })(),
    );
    env.timeout(1).addCallback(() => {
      targetWhileWaiting = proc.target;
    });
    const aliveBefore = proc.isAlive;

    env.run();

    expect(aliveBefore).toBe(true);
    expect(targetWhileWaiting).toBe(timeout);
    expect(proc.isAlive).toBe(false);
    expect(proc.target).toBeNull();
    expect(proc).toBeInstanceOf(Process);
  });

  it('is the active process while its generator runs, and none is active otherwise', () => {
    const env = new Environment();
    const seen: unknown[] = [];
    const proc: Process = env.process(
      (function* (): ProcessGenerator<void> {
        seen.push(env.activeProcess);
        yield env.timeout(1);
        seen.push(env.activeProcess);
      })(),
    );

    env.run();

    expect(seen).toEqual([proc, proc]);
    expect(env.activeProcess).toBeNull();
  });

  it('starts before the normal events of its instant', () => {
    const env = new Environment();
    const order: string[] = [];
    env
      .event()
      .addCallback(() => order.push('normal'))
      .succeed();
    env.process(
      (function* (): ProcessGenerator<void> {
        order.push('process started');
        yield env.timeout(0);
      })(),
    );

    env.run();

    expect(order).toEqual(['process started', 'normal']);
  });

  it('continues at once when it yields an event that has already been processed', () => {
    const env = new Environment();
    const done = env.timeout(1, 'early');
    const log: string[] = [];
    env.timeout(5).addCallback(() => {
      env.process(
        (function* (): ProcessGenerator<void> {
          const value = yield done;
          log.push(`got ${value} at ${env.now}`);
        })(),
      );
      env
        .event()
        .addCallback(() => log.push('next event'))
        .succeed();
    });

    env.run();

    expect(log).toEqual(['got early at 5', 'next event']);
  });

  it('throws a failed, already-processed event into the process that yields it', () => {
    const env = new Environment();
    const failed = env.event();
    failed.defused = true;
    failed.fail(new Error('old failure'));
    env.run();
    let caught: unknown;

    env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield failed;
        } catch (error) {
          caught = error;
        }
      })(),
    );
    env.run();

    expect((caught as Error).message).toBe('old failure');
  });

  it('throws an exception raised inside a process out of run() when nobody waits for it', () => {
    const env = new Environment();
    env.process(
      (function* (): ProcessGenerator<void> {
        yield env.timeout(2);
        throw new RangeError('machine jammed');
      })(),
    );

    expect(() => env.run()).toThrow(RangeError);
    expect(env.now).toBe(2);
  });

  it('lets a process that waits for a failing process catch its exception', () => {
    const env = new Environment();
    const failing = env.process(
      (function* (): ProcessGenerator<void> {
        yield env.timeout(2);
        throw new RangeError('machine jammed');
      })(),
    );
    let caught: unknown;
    let caughtAt = -1;
    env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield failing;
        } catch (error) {
          caught = error;
          caughtAt = env.now;
        }
      })(),
    );

    env.run();

    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as Error).message).toBe('machine jammed');
    expect(caughtAt).toBe(2);
    expect(failing.ok).toBe(false);
  });

  it('delivers a failed event into the waiting process as an exception', () => {
    const env = new Environment();
    const signal = env.event();
    let caught: unknown;
    env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield signal;
        } catch (error) {
          caught = error;
        }
      })(),
    );
    env.timeout(3).addCallback(() => signal.fail(new Error('signal lost')));

    env.run();

    expect((caught as Error).message).toBe('signal lost');
    expect(signal.defused).toBe(true);
  });

  it('throws a SimError into a process that yields something other than an event', () => {
    const env = new Environment();
    let caught: unknown;
    let after = '';
    env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield 42 as unknown as Event;
        } catch (error) {
          caught = error;
        }
        yield env.timeout(1);
        after = `resumed at ${env.now}`;
      })(),
    );

    env.run();

    expect(caught).toBeInstanceOf(SimError);
    expect((caught as Error).message).toBe('a process may only yield events, got 42');
    expect(after).toBe('resumed at 1');
  });

  it('fails the run when a process does not catch the error of yielding a non-event', () => {
    const env = new Environment();
    env.process(
      (function* (): ProcessGenerator<void> {
        yield 'not an event' as unknown as Event;
      })(),
    );

    expect(() => env.run()).toThrow(/may only yield events, got not an event/);
  });

  it('refuses to be constructed without a generator', () => {
    const env = new Environment();
    function* notCalled(): ProcessGenerator<void> {
      yield env.timeout(1);
    }

    expect(() => new Process(env, notCalled as unknown as ProcessGenerator)).toThrow(SimError);
    expect(() => env.process({ next: () => ({ done: true }) } as unknown as ProcessGenerator)).toThrow(
      /needs a generator/,
    );
  });
});

describe('Interrupt', () => {
  it('delivers the interrupt with its cause to the process at the current instant', () => {
    const env = new Environment();
    let caught: unknown;
    let caughtAt = -1;
    const worker = env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield env.timeout(10);
        } catch (error) {
          caught = error;
          caughtAt = env.now;
        }
      })(),
    );
    env.timeout(3).addCallback(() => worker.interrupt('breakdown'));

    env.run();

    expect(caught).toBeInstanceOf(Interrupt);
    expect((caught as Interrupt).interruptCause).toBe('breakdown');
    expect((caught as Interrupt).message).toBe('process interrupted: breakdown');
    expect(caughtAt).toBe(3);
  });

  it('lets the interrupted process resume waiting for the same event', () => {
    const env = new Environment();
    const log: string[] = [];
    const worker = env.process(
      (function* (): ProcessGenerator<void> {
        const job = env.timeout(10, 'job done');
        for (;;) {
          try {
            const value = yield job;
            log.push(`${value} at ${env.now}`);
            return;
          } catch (error) {
            log.push(`interrupted at ${env.now} by ${(error as Interrupt).interruptCause}`);
          }
        }
      })(),
    );
    env.timeout(4).addCallback(() => worker.interrupt('power dip'));

    env.run();

    expect(log).toEqual(['interrupted at 4 by power dip', 'job done at 10']);
  });

  it('detaches the interrupted process from the event it waited for', () => {
    const env = new Environment();
    const resumedAt: number[] = [];
    const worker = env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield env.timeout(10);
        } catch {
          yield env.timeout(20);
        }
        resumedAt.push(env.now);
      })(),
    );
    env.timeout(3).addCallback(() => worker.interrupt());

    env.run();

    expect(resumedAt).toEqual([23]);
  });

  it('detaches only the interrupted process from an event that others wait for too', () => {
    const env = new Environment();
    const log: string[] = [];
    const signal = env.event<string>();
    const waiter = (name: string) =>
      env.process(
        (function* (): ProcessGenerator<void> {
          try {
            log.push(`${name} got ${yield signal} at ${env.now}`);
          } catch {
            log.push(`${name} interrupted at ${env.now}`);
          }
        })(),
      );
    const first = waiter('first');
    waiter('second');
    const watched: string[] = [];
    env.timeout(1).addCallback(() => {
      signal.addCallback(() => watched.push(`callback at ${env.now}`));
      expect(signal.callbacks).toHaveLength(3);
      first.interrupt();
    });
    env.timeout(2).addCallback(() => signal.succeed('go'));

    env.run();

    expect(log).toEqual(['first interrupted at 1', 'second got go at 2']);
    expect(watched).toEqual(['callback at 2']);
    expect(signal.callbacks).toEqual([]);
  });

  it('fails a process that does not catch its interrupt', () => {
    const env = new Environment();
    const worker = env.process(
      (function* (): ProcessGenerator<void> {
        yield env.timeout(10);
      })(),
    );
    env.timeout(1).addCallback(() => worker.interrupt());

    expect(() => env.run()).toThrow(Interrupt);
    const failure: unknown = worker.value;
    expect(worker.ok).toBe(false);
    expect(failure).toBeInstanceOf(Interrupt);
    expect((failure as Interrupt).message).toBe('process interrupted');
    expect((failure as Interrupt).interruptCause).toBeUndefined();
  });

  it('lets one process interrupt another', () => {
    const env = new Environment();
    let cause: unknown;
    const victim = env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield env.timeout(100);
        } catch (error) {
          cause = (error as Interrupt).interruptCause;
        }
      })(),
    );
    env.process(
      (function* (): ProcessGenerator<void> {
        yield env.timeout(5);
        victim.interrupt({ reason: 'priority order' });
      })(),
    );

    env.run();

    expect(cause).toEqual({ reason: 'priority order' });
    expect(env.now).toBe(100);
  });

  it('refuses to interrupt a process that has finished', () => {
    const env = new Environment();
    const done = env.process(
      (function* (): ProcessGenerator<void> {
        yield env.timeout(1);
      })(),
    );
    env.run();

    expect(() => done.interrupt()).toThrow(SimError);
    expect(() => done.interrupt()).toThrow(/has finished/);
  });

  it('does not let a process interrupt itself', () => {
    const env = new Environment();
    let caught: unknown;
    const self: { proc?: Process } = {};
    self.proc = env.process(
      (function* (): ProcessGenerator<void> {
        yield env.timeout(1);
        try {
          self.proc!.interrupt();
        } catch (error) {
          caught = error;
        }
      })(),
    );

    env.run();

    expect(caught).toBeInstanceOf(SimError);
    expect((caught as Error).message).toBe('a process may not interrupt itself');
  });

  it('ignores a second interrupt that arrives after the process finished', () => {
    const env = new Environment();
    let interrupts = 0;
    const worker = env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield env.timeout(10);
        } catch {
          interrupts++;
        }
      })(),
    );
    env.timeout(2).addCallback(() => {
      worker.interrupt('first');
      worker.interrupt('second');
    });

    env.run();

    expect(interrupts).toBe(1);
    expect(worker.ok).toBe(true);
  });
});

describe('AllOf and AnyOf', () => {
  it('succeeds when all events have, with a map of their values in the given order', () => {
    const env = new Environment();
    const a = env.timeout(5, 'a');
    const b = env.timeout(2, 'b');
    const all = env.allOf([a, b]);

    const value = env.run({ until: all });

    expect(all).toBeInstanceOf(AllOf);
    expect(all).toBeInstanceOf(Condition);
    expect(env.now).toBe(5);
    expect(value).toBeInstanceOf(Map);
    expect([...(value as Map<Event, unknown>).entries()]).toEqual([
      [a, 'a'],
      [b, 'b'],
    ]);
  });

  it('succeeds with the first event for AnyOf, leaving out events that have not happened', () => {
    const env = new Environment();
    const slow = env.timeout(9, 'slow');
    const fast = env.timeout(3, 'fast');
    const any = env.anyOf([slow, fast]);

    const value = env.run({ until: any }) as Map<Event, unknown>;

    expect(any).toBeInstanceOf(AnyOf);
    expect(env.now).toBe(3);
    expect([...value.entries()]).toEqual([[fast, 'fast']]);
  });

  it('holds in AnyOf every event that happened before it was processed', () => {
    const env = new Environment();
    const a = env.timeout(2, 'a');
    const b = env.timeout(2, 'b');
    const c = env.timeout(3, 'c');
    const any = env.anyOf([a, b, c]);

    const value = env.run({ until: any }) as Map<Event, unknown>;

    expect(env.now).toBe(2);
    expect([...value.entries()]).toEqual([
      [a, 'a'],
      [b, 'b'],
    ]);
  });

  it('succeeds at once with an empty map when given no events', () => {
    const env = new Environment(7);
    const all = env.allOf([]);
    const any = env.anyOf([]);

    env.run();

    expect(env.now).toBe(7);
    expect(all.ok).toBe(true);
    expect(all.value).toEqual(new Map());
    expect(any.value).toEqual(new Map());
  });

  it('counts events that were processed before the condition was made', () => {
    const env = new Environment();
    const early = env.timeout(1, 'early');
    env.run();
    const late = env.timeout(4, 'late');

    const all = env.allOf([early, late]);
    const value = env.run({ until: all }) as Map<Event, unknown>;

    expect(env.now).toBe(5);
    expect([...value.values()]).toEqual(['early', 'late']);
  });

  it('fails as soon as one of its events fails', () => {
    const env = new Environment();
    const ok = env.timeout(1);
    const broken = env.event();
    const slow = env.timeout(50);
    env.timeout(2).addCallback(() => broken.fail(new Error('sensor fault')));
    let caught: unknown;
    let caughtAt = -1;
    env.process(
      (function* (): ProcessGenerator<void> {
        try {
          yield env.allOf([ok, broken, slow]);
        } catch (error) {
          caught = error;
          caughtAt = env.now;
        }
      })(),
    );

    env.run();

    expect((caught as Error).message).toBe('sensor fault');
    expect(caughtAt).toBe(2);
    expect(broken.defused).toBe(true);
  });

  it('throws the failure of a condition that nobody waits for', () => {
    const env = new Environment();
    const broken = env.event();
    env.anyOf([broken, env.timeout(5)]);
    broken.fail(new Error('unhandled condition failure'));

    expect(() => env.run()).toThrow('unhandled condition failure');
  });

  it('can wait for a condition of conditions', () => {
    const env = new Environment();
    const a = env.timeout(1, 'a');
    const b = env.timeout(6, 'b');
    const c = env.timeout(3, 'c');
    const inner = env.anyOf([a, b]);
    const outer = env.allOf([inner, c]);

    const value = env.run({ until: outer }) as Map<Event, unknown>;

    expect(env.now).toBe(3);
    expect(value.get(c)).toBe('c');
    expect([...(value.get(inner) as Map<Event, unknown>).values()]).toEqual(['a']);
  });

  it('refuses to mix events of different environments', () => {
    const env = new Environment();
    const other = new Environment();

    expect(() => env.allOf([env.timeout(1), other.timeout(1)])).toThrow(SimError);
    expect(() => new AnyOf(env, [other.event()])).toThrow(/different environments/);
  });
});

describe('Environment.run after a run that failed', () => {
  it('does not stop a later run at the time of an earlier, aborted run', () => {
    const env = new Environment();
    env.process(
      (function* () {
        yield env.timeout(5);
        throw new Error('boom');
      })(),
    );
    env.timeout(15);
    expect(() => env.run({ until: 10 })).toThrow('boom');

    env.run({ until: 20 });

    expect(env.now).toBe(20);
  });

  it('does not stop a later run when an awaited event is triggered after its run gave up', () => {
    const env = new Environment();
    const never = env.event();
    expect(() => env.run({ until: never })).toThrow(EmptyScheduleError);
    env.timeout(6).addCallback(() => never.succeed('late'));
    const later = env.timeout(10);

    env.run();

    expect(later.processed).toBe(true);
    expect(env.now).toBe(10);
  });

  it('counts only model events, not the stop of run({ until })', () => {
    const env = new Environment();
    env.timeout(1);

    env.run({ until: 5 });

    expect(env.eventsProcessed).toBe(1);
  });
});
