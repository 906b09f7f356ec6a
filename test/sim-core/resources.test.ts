// Unit and property tests of the kernel's resources: grant order of each kind of resource, the
// dispatch rules, cancellation, release, seizing beyond capacity and utilisation bookkeeping.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BaseResource,
  Environment,
  OrderedResource,
  Priority,
  PriorityResource,
  type ProcessGenerator,
  Request,
  Resource,
  SimError,
} from '../../sim-core/index.ts';

/** Starts a process that requests a unit, holds it for `hold` and releases it; records the grant. */
function user<O>(
  env: Environment,
  resource: BaseResource<O>,
  owner: O,
  hold: number,
  grants: { owner: O; at: number }[],
  priority = 0,
): void {
  env.process(
    (function* (): ProcessGenerator<void> {
      const request = resource.request(owner, priority);
      yield request;
      grants.push({ owner, at: env.now });
      yield env.timeout(hold);
      resource.release(request);
    })(),
  );
}

describe('Resource', () => {
  it('grants units first come, first served, never more than its capacity at once', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 2 });
    const grants: { owner: string; at: number }[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) user(env, machine, name, 10, grants);

    env.run();

    expect(grants).toEqual([
      { owner: 'a', at: 0 },
      { owner: 'b', at: 0 },
      { owner: 'c', at: 10 },
      { owner: 'd', at: 10 },
      { owner: 'e', at: 20 },
    ]);
    expect(machine.capacity).toBe(2);
    expect(machine.count).toBe(0);
  });

  it('has capacity one and immediate dispatch by default', () => {
    const env = new Environment();

    const machine = new Resource(env);

    expect(machine.capacity).toBe(1);
    expect(machine.dispatch).toBe('immediate');
  });

  it('lists its holders and its waiting requests in grant order', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 1 });

    const first = machine.request('first');
    const second = machine.request('second');
    const third = machine.request('third');

    expect(machine.count).toBe(1);
    expect(machine.holders).toEqual([first]);
    expect(machine.waiting).toEqual([second, third]);
    expect(first.owner).toBe('first');
  });

  it('records when a request was made and when it was granted', () => {
    const env = new Environment(5);
    const machine = new Resource<string>(env);
    const first = machine.request('first');
    const second = machine.request('second');
    const grantedWhileWaiting = second.grantedAt;
    env.timeout(7).addCallback(() => machine.release(first));

    env.run();

    expect(first.requestedAt).toBe(5);
    expect(first.grantedAt).toBe(5);
    expect(grantedWhileWaiting).toBeNaN();
    expect(second.requestedAt).toBe(5);
    expect(second.grantedAt).toBe(12);
    expect(second.value).toBe(second);
    expect(second).toBeInstanceOf(Request);
  });

  it('keeps the time a restored request has been waiting since', () => {
    const env = new Environment(100);
    const machine = new Resource<string>(env);

    const restored = machine.request('restored', 0, 40);

    expect(restored.requestedAt).toBe(40);
    expect(restored.grantedAt).toBe(100);
  });

  it('lets the next waiting request in when a granted one is released', () => {
    const env = new Environment();
    const machine = new Resource<string>(env);
    const holder = machine.request('holder');
    const next = machine.request('next');
    env.timeout(3).addCallback(() => machine.release(holder));

    env.run();

    expect(next.processed).toBe(true);
    expect(next.grantedAt).toBe(3);
    expect(machine.holders).toEqual([next]);
    expect(machine.waiting).toEqual([]);
  });

  it('never grants a waiting request that was cancelled, and passes the unit to the one behind it', () => {
    const env = new Environment();
    const machine = new Resource<string>(env);
    const holder = machine.request('holder');
    const impatient = machine.request('impatient');
    const patient = machine.request('patient');

    impatient.cancel();
    const waitingAfterCancel = machine.waiting;
    env.timeout(2).addCallback(() => machine.release(holder));
    env.run();

    expect(waitingAfterCancel).toEqual([patient]);
    expect(impatient.triggered).toBe(false);
    expect(patient.grantedAt).toBe(2);
    expect(machine.holders).toEqual([patient]);
  });

  it('withdraws a waiting request that is released', () => {
    const env = new Environment();
    const machine = new Resource<string>(env);
    const holder = machine.request('holder');
    const withdrawn = machine.request('withdrawn');

    machine.release(withdrawn);
    machine.release(holder);
    env.run();

    expect(withdrawn.triggered).toBe(false);
    expect(machine.count).toBe(0);
    expect(machine.waiting).toEqual([]);
  });

  it('releases a granted request that is cancelled', () => {
    const env = new Environment();
    const machine = new Resource<string>(env);
    const holder = machine.request('holder');
    const next = machine.request('next');

    holder.cancel();

    expect(machine.holders).toEqual([next]);
    expect(next.grantedAt).toBe(0);
  });

  it('ignores releasing a request a second time', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 2 });
    const a = machine.request('a');
    const b = machine.request('b');
    machine.release(a);

    machine.release(a);

    expect(machine.holders).toEqual([b]);
    expect(machine.count).toBe(1);
  });

  it('seizes a unit at once even beyond capacity, and waits until use falls below capacity', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 1 });
    const restoredA = machine.seize('wip-a');
    const restoredB = machine.seize('wip-b', -5);
    const waiting = machine.request('new');
    const countAfterSeize = machine.count;
    env.timeout(1).addCallback(() => machine.release(restoredA));
    const grantedWhenStillFull: boolean[] = [];
    env.timeout(2).addCallback(() => {
      grantedWhenStillFull.push(waiting.triggered);
      machine.release(restoredB);
    });

    env.run();

    expect(countAfterSeize).toBe(2);
    expect(restoredA.triggered).toBe(true);
    expect(restoredB.grantedAt).toBe(-5);
    expect(restoredB.requestedAt).toBe(-5);
    expect(grantedWhenStillFull).toEqual([false]);
    expect(waiting.grantedAt).toBe(2);
  });

  it('measures busy time and utilisation over a known schedule', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 2 });
    // One unit busy over [0, 10), a second over [5, 15): 20 unit-time over 20 time of capacity 2.
    const a = machine.request('a');
    env.timeout(5).addCallback(() => {
      const b = machine.request('b');
      env.timeout(10).addCallback(() => machine.release(b));
    });
    env.timeout(10).addCallback(() => machine.release(a));

    env.run({ until: 20 });

    expect(machine.busyTime()).toBe(20);
    expect(machine.utilisation()).toBe(0.5);
  });

  it('measures utilisation from the time the resource was created, counting a unit still held', () => {
    const env = new Environment();
    const seen: number[] = [];
    env.timeout(10).addCallback(() => {
      const machine = new Resource<string>(env, { capacity: 2 });
      machine.request('holder');
      env.timeout(30).addCallback(() => seen.push(machine.busyTime(), machine.utilisation()));
    });

    env.run();

    // Created at 10, one of two units held from 10 to 40.
    expect(seen).toEqual([30, 0.5]);
  });

  it('reports zero utilisation before any time has passed', () => {
    const env = new Environment();
    const machine = new Resource<string>(env);
    machine.request('a');

    expect(machine.utilisation()).toBe(0);
    expect(machine.busyTime()).toBe(0);
  });

  it('rejects a capacity that is not a whole number of at least one', () => {
    const env = new Environment();

    expect(() => new Resource(env, { capacity: 0 })).toThrow(SimError);
    expect(() => new Resource(env, { capacity: -2 })).toThrow(SimError);
    expect(() => new Resource(env, { capacity: 1.5 })).toThrow(/whole number >= 1, got 1.5/);
    expect(() => new Resource(env, { capacity: Number.NaN })).toThrow(SimError);
  });

  it('accepts an unlimited capacity and grants every request at once', () => {
    const env = new Environment();
    const pool = new Resource<number>(env, { capacity: Number.POSITIVE_INFINITY });

    const requests = Array.from({ length: 50 }, (_, i) => pool.request(i));

    expect(requests.every((r) => r.grantedAt === 0)).toBe(true);
    expect(pool.count).toBe(50);
    expect(pool.waiting).toEqual([]);
  });

  it('keeps first-come order across thousands of waiting requests', () => {
    const env = new Environment();
    const machine = new Resource<number>(env);
    const grants: { owner: number; at: number }[] = [];
    for (let i = 0; i < 3000; i++) user(env, machine, i, 1, grants);

    env.run();

    expect(grants.map((g) => g.owner)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(grants.map((g) => g.at)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});

describe('PriorityResource', () => {
  it('grants the lowest priority number first, first come first served among equals', () => {
    const env = new Environment();
    const machine = new PriorityResource<string>(env);
    const grants: { owner: string; at: number }[] = [];
    user(env, machine, 'holder', 5, grants, 0);
    env.timeout(1).addCallback(() => {
      user(env, machine, 'p3', 5, grants, 3);
      user(env, machine, 'p1-first', 5, grants, 1);
      user(env, machine, 'p2', 5, grants, 2);
      user(env, machine, 'p1-second', 5, grants, 1);
    });

    env.run();

    expect(grants).toEqual([
      { owner: 'holder', at: 0 },
      { owner: 'p1-first', at: 5 },
      { owner: 'p1-second', at: 10 },
      { owner: 'p2', at: 15 },
      { owner: 'p3', at: 20 },
    ]);
  });

  it('lists its waiting requests in grant order', () => {
    const env = new Environment();
    const machine = new PriorityResource<string>(env);
    machine.request('holder');
    const low = machine.request('low', 9);
    const high = machine.request('high', -1);
    const mid = machine.request('mid', 4);
    const mid2 = machine.request('mid2', 4);

    const waiting = machine.waiting;

    expect(waiting).toEqual([high, mid, mid2, low]);
    expect(high.priority).toBe(-1);
  });

  it('grants any set of waiting requests in stable ascending priority order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 120 }), (priorities) => {
        const env = new Environment();
        const machine = new PriorityResource<number>(env);
        const holder = machine.request(-1);
        const requests = priorities.map((p, i) => machine.request(i, p));
        const grantOrder: number[] = [];
        for (const r of requests) {
          r.addCallback(() => {
            grantOrder.push(r.owner);
            machine.release(r);
          });
        }

        machine.release(holder);
        env.run();

        const expected = priorities
          .map((p, i) => ({ p, i }))
          .sort((a, b) => a.p - b.p || a.i - b.i)
          .map((x) => x.i);
        expect(grantOrder).toEqual(expected);
      }),
    );
  });
});

describe('OrderedResource', () => {
  it('grants waiting requests in the order of its comparator, then first come first served', () => {
    const env = new Environment();
    type Order = { id: string; due: number };
    const machine = new OrderedResource<Order>(env, (a, b) => a.owner.due - b.owner.due);
    const grants: { owner: Order; at: number }[] = [];
    user(env, machine, { id: 'running', due: 99 }, 4, grants);
    env.timeout(1).addCallback(() => {
      user(env, machine, { id: 'due-30', due: 30 }, 4, grants);
      user(env, machine, { id: 'due-10', due: 10 }, 4, grants);
      user(env, machine, { id: 'due-30b', due: 30 }, 4, grants);
      user(env, machine, { id: 'due-20', due: 20 }, 4, grants);
    });

    env.run();

    expect(grants.map((g) => `${g.owner.id}@${g.at}`)).toEqual([
      'running@0',
      'due-10@4',
      'due-20@8',
      'due-30@12',
      'due-30b@16',
    ]);
  });
});

describe('OrderedResource queue', () => {
  it('grants in its order however requests join: in order, out of order, refused and asked again', () => {
    type Job = { key: number; tie: number; blocked: boolean };

    const op = fc.oneof(
      fc.record({
        kind: fc.constant('join' as const),
        // Mostly in order (the last key, or one more), as a fifo queue's arrivals; sometimes not.
        key: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom('same' as const, 'next' as const) },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 6 }) },
        ),
        tie: fc.integer({ min: 0, max: 2 }),
        blocked: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
      }),
      fc.record({ kind: fc.constant('release' as const) }),
      fc.record({ kind: fc.constant('release' as const) }),
      fc.record({ kind: fc.constant('unblock' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 150, size: 'max' }), (ops) => {
        const env = new Environment();
        const order = Object.assign((a: Request<Job>, b: Request<Job>) => a.owner.tie - b.owner.tie, {
          rank: (r: Request<Job>) => r.owner.key,
        });
        const machine = new OrderedResource<Job>(env, order, { capacity: 1 });
        machine.admits = (r) => !r.owner.blocked;
        let holder: Request<Job> | undefined = machine.request({ key: -1, tie: 0, blocked: false });
        // The reference: every waiting request, kept sorted by (key, tie, when it joined).
        const waiting: { request: Request<Job>; seq: number }[] = [];
        let seq = 0;
        let key = 0;
        let tie = 0;
        const sortedWaiting = () =>
          [...waiting]
            .sort(
              (a, b) =>
                a.request.owner.key - b.request.owner.key ||
                a.request.owner.tie - b.request.owner.tie ||
                a.seq - b.seq,
            )
            .map((w) => w.request);
        for (const o of ops) {
          if (o.kind === 'join') {
            // The same key joins behind the last (its tie kept), unless a random key says otherwise.
            tie = o.key === 'same' ? tie : o.tie;
            key = o.key === 'same' ? key : o.key === 'next' ? key + 1 : o.key;
            const request = machine.request({ key, tie, blocked: o.blocked });
            waiting.push({ request, seq: seq++ });
            if (holder === undefined) {
              // A free unit goes to the first admitted request in the order, at once.
              holder = sortedWaiting().find((r) => !r.owner.blocked);
              if (holder !== undefined)
                waiting.splice(
                  waiting.findIndex((w) => w.request === holder),
                  1,
                );
            }
            expect(request.triggered).toBe(request === holder);
          } else if (o.kind === 'unblock') {
            for (const w of waiting) w.request.owner.blocked = false;
          } else if (holder !== undefined) {
            const expected = sortedWaiting().find((r) => !r.owner.blocked);
            machine.release(holder);
            holder = expected;
            if (expected !== undefined) {
              expect(expected.triggered).toBe(true);
              waiting.splice(
                waiting.findIndex((w) => w.request === expected),
                1,
              );
            }
          }
          expect(machine.waiting).toEqual(sortedWaiting());
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('OrderedResource queue, restored at once', () => {
  it('grants a long queue joined in no order, then joined again, exactly in its order', () => {
    // Restoring work in process places a whole queue at once in no particular order (sorted once and
    // merged), then arrivals join it, in order or not, while units are released.
    type Job = { key: number };
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 17, maxLength: 300 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constant('release' as const)), {
          maxLength: 200,
        }),
        (restored, then) => {
          const env = new Environment();
          const order = Object.assign((_a: Request<Job>, _b: Request<Job>) => 0, {
            rank: (r: Request<Job>) => r.owner.key,
          });
          const machine = new OrderedResource<Job>(env, order, { capacity: 1 });
          let holder: Request<Job> | undefined = machine.request({ key: -1 });
          const waiting: { request: Request<Job>; seq: number }[] = [];
          let seq = 0;
          const join = (key: number) => waiting.push({ request: machine.request({ key }), seq: seq++ });
          const next = () => {
            waiting.sort((a, b) => a.request.owner.key - b.request.owner.key || a.seq - b.seq);
            return waiting.shift()?.request;
          };
          for (const key of restored) join(key);
          for (const step of [...then, ...restored.map(() => 'release' as const)]) {
            if (step !== 'release') join(step);
            else if (holder !== undefined) {
              const expected = next();
              machine.release(holder);
              holder = expected;
              if (expected !== undefined) expect(expected.triggered).toBe(true);
            }
          }
          expect(machine.waiting.map((r) => r.owner.key)).toEqual(
            [...waiting]
              .sort((a, b) => a.request.owner.key - b.request.owner.key || a.seq - b.seq)
              .map((w) => w.request.owner.key),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("dispatch: 'end-of-instant'", () => {
  it('grants requests made at one instant by queue order, not by the order they were made', () => {
    const env = new Environment();
    const machine = new PriorityResource<string>(env, { dispatch: 'end-of-instant' });
    const grants: { owner: string; at: number }[] = [];
    user(env, machine, 'rush-later', 10, grants, 5);
    user(env, machine, 'rush-first', 10, grants, 1);

    env.run();

    expect(grants).toEqual([
      { owner: 'rush-first', at: 0 },
      { owner: 'rush-later', at: 10 },
    ]);
    expect(machine.dispatch).toBe('end-of-instant');
  });

  it('differs from immediate dispatch, which grants the free unit to the first request made', () => {
    const env = new Environment();
    const machine = new PriorityResource<string>(env, { dispatch: 'immediate' });
    const grants: { owner: string; at: number }[] = [];
    user(env, machine, 'rush-later', 10, grants, 5);
    user(env, machine, 'rush-first', 10, grants, 1);

    env.run();

    expect(grants).toEqual([
      { owner: 'rush-later', at: 0 },
      { owner: 'rush-first', at: 10 },
    ]);
  });

  it('grants after the late events of the instant that were scheduled before the request', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { dispatch: 'end-of-instant' });
    const log: string[] = [];
    env
      .event()
      .addCallback(() => log.push(`late event, granted: ${request.triggered}`))
      .succeed(undefined, Priority.late);
    const request = machine.request('a');
    request.addCallback(() => log.push(`granted at ${env.now}`));
    const grantedSynchronously = request.triggered;

    env.run();

    expect(grantedSynchronously).toBe(false);
    expect(log).toEqual(['late event, granted: false', 'granted at 0']);
  });

  it('hands a released unit to the best request waiting at that instant', () => {
    const env = new Environment();
    const machine = new OrderedResource<number>(env, (a, b) => a.owner - b.owner, {
      dispatch: 'end-of-instant',
    });
    const holder = machine.request(0);
    const worse = machine.request(50);
    env.timeout(5).addCallback(() => {
      machine.release(holder);
      machine.request(7);
    });
    const granted: number[] = [];
    env.timeout(5).addCallback(() => machine.request(3).addCallback((e) => granted.push(e.value.owner)));

    env.run();

    expect(granted).toEqual([3]);
    expect(machine.holders.map((r) => r.owner)).toEqual([3]);
    expect(machine.waiting.map((r) => r.owner)).toEqual([7, 50]);
    expect(worse.triggered).toBe(false);
  });
});

describe('admits', () => {
  for (const [kind, make] of [
    ['Resource', (env: Environment) => new Resource<string>(env, { capacity: 1 })],
    ['PriorityResource', (env: Environment) => new PriorityResource<string>(env, { capacity: 1 })],
  ] as const) {
    it(`${kind}: a refused request keeps its place; later ones may pass it, and it is asked again at the next release`, () => {
      const env = new Environment();
      const machine = make(env);
      const grants: { owner: string; at: number }[] = [];
      // 'long' may start only from time 25 on.
      machine.admits = (r) => r.owner !== 'long' || env.now >= 25;
      user(env, machine, 'first', 10, grants);
      user(env, machine, 'long', 10, grants);
      user(env, machine, 'short', 20, grants);
      user(env, machine, 'last', 10, grants);

      env.run();

      // At 10 'long' is refused and 'short' passes it; at 30 'long' goes before 'last', its place kept.
      expect(grants).toEqual([
        { owner: 'first', at: 0 },
        { owner: 'short', at: 10 },
        { owner: 'long', at: 30 },
        { owner: 'last', at: 40 },
      ]);
    });
  }
});

describe('units out of service', () => {
  it('grants no unit while it is down, and the waiting requests get it when it is back', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 1 });
    const grants: { owner: string; at: number }[] = [];
    machine.outOfService(0, 30);
    user(env, machine, 'a', 10, grants);
    user(env, machine, 'b', 10, grants);

    env.run();

    expect(grants).toEqual([
      { owner: 'a', at: 30 },
      { owner: 'b', at: 40 },
    ]);
    expect(machine.outOfServiceNow).toBe(0);
  });

  it('takes one unit out and leaves the others working; overlapping outages of a unit add up', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 2 });
    const grants: { owner: string; at: number }[] = [];
    machine.outOfService(0, 20, 2);
    machine.outOfService(10, 25, 2);
    for (const owner of ['a', 'b', 'c']) user(env, machine, owner, 10, grants);

    env.run();

    expect(grants).toEqual([
      { owner: 'a', at: 0 },
      { owner: 'b', at: 10 },
      { owner: 'c', at: 20 },
    ]);
  });

  it('lets a holder keep its unit through an outage and tells its listener when it goes down and comes back', () => {
    const env = new Environment(100);
    const machine = new Resource<string>(env, { capacity: 2 });
    const heard: string[] = [];
    machine.unitListener = {
      down: (holder, at) => heard.push(`${holder.owner} on ${holder.unit} down at ${at} (now ${env.now})`),
      up: (holder) => heard.push(`${holder.owner} on ${holder.unit} up at ${env.now}`),
    };
    machine.seize('a', 90);
    machine.seize('b', 95);

    machine.outOfService(97, 120, 2);
    env.run();

    expect(heard).toEqual(['b on 2 down at 97 (now 100)', 'b on 2 up at 120']);
    expect(machine.holders.map((r) => r.owner)).toEqual(['a', 'b']);
  });

  it('refuses an outage that ends before it starts, and a unit the resource does not have', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 2 });

    expect(() => machine.outOfService(10, 5)).toThrow(SimError);
    expect(() => machine.outOfService(0, 5, 3)).toThrow('has no unit 3');
  });

  it('retires a unit for good: its holder finishes, heard by nobody, and nobody is granted it after', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 2 });
    const heard: string[] = [];
    machine.unitListener = {
      down: (h) => heard.push(`${h.owner} down`),
      up: (h) => heard.push(`${h.owner} up`),
    };
    const grants: { owner: string; at: number }[] = [];
    // a and b start at once; unit 2 (b's) leaves at 5, while b still works on it (until 10).
    machine.retire(5, 2);
    for (const owner of ['a', 'b', 'c', 'd']) user(env, machine, owner, 10, grants);

    env.run();

    expect(grants).toEqual([
      { owner: 'a', at: 0 },
      { owner: 'b', at: 0 },
      { owner: 'c', at: 10 },
      { owner: 'd', at: 20 },
    ]);
    expect(heard).toEqual([]);
    expect(machine.outOfServiceNow).toBe(0);
    expect(machine.outOfServiceSince(0)).toBe(false);
  });

  it('keeps a retired unit out once an outage of it ends, and its suspended holder finishes', () => {
    const env = new Environment();
    const machine = new Resource<string>(env, { capacity: 2 });
    const heard: string[] = [];
    machine.unitListener = {
      down: (h, at) => heard.push(`${h.owner} down at ${at}`),
      up: (h) => heard.push(`${h.owner} up at ${env.now}`),
    };
    const grants: { owner: string; at: number }[] = [];
    machine.outOfService(2, 8, 2);
    machine.retire(4, 2);
    machine.retire(30, 1);
    for (const owner of ['a', 'b', 'c', 'd']) user(env, machine, owner, 10, grants);

    env.run();

    // b's unit is down from 2 to 8 and retired at 4: b hears it go down and come back, and nobody
    // gets unit 2 after; unit 1 serves a, c, d and, retired at 30, is held by d until 30.
    expect(heard).toEqual(['b down at 2', 'b up at 8']);
    expect(grants).toEqual([
      { owner: 'a', at: 0 },
      { owner: 'b', at: 0 },
      { owner: 'c', at: 10 },
      { owner: 'd', at: 20 },
    ]);
    expect(machine.outOfServiceNow).toBe(0);
    user(env, machine, 'e', 1, grants);
    env.run({ until: 100 });
    expect(grants.at(-1)).toEqual({ owner: 'd', at: 20 });
    expect(machine.waiting.map((r) => r.owner)).toEqual(['e']);
  });

  it('refuses to retire a unit it does not have', () => {
    const machine = new Resource<string>(new Environment(), { capacity: 2 });
    expect(() => machine.retire(0, 3)).toThrow('a resource of capacity 2 has no unit 3');
  });
});
