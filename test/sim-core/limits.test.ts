// The bounds that end every simulation: the kernel's event budget, and the outer layer's events per
// run and wall time per call (runModel, forecast, forecastMonteCarlo). Whatever a model does, a run
// ends: with its result, or with a SimulationLimitError that says which bound it reached.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  forecast,
  forecastMonteCarlo,
  MAX_MONTE_CARLO_DRAWS,
  type OrderState,
  orderFlowModel,
  parsePlantModel,
  type Snapshot,
} from '../../orderflow/index.ts';
import {
  buildModel,
  casymdaBenchmarkModel,
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_WALL_MS,
  Environment,
  Random,
  RunLimits,
  runModel,
  SimError,
  SimulationLimitError,
} from '../../sim-core/index.ts';

/** A process that reschedules itself at the same instant for ever: time stands still. */
function standStill(env: Environment): void {
  env.process(
    (function* () {
      for (;;) yield env.timeout(0);
    })(),
  );
}

/** A wall clock that moves on by `step` ms at every reading. */
function steppingClock(step: number): () => number {
  let now = 0;
  return () => {
    now += step;
    return now;
  };
}

/** The error `run` throws (a test fails if it throws none). */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('the kernel’s event budget', () => {
  it('stops a run in which time stands still with a SimulationLimitError that names the bound', () => {
    const env = new Environment();
    standStill(env);

    const error = thrownBy(() => env.run({ maxEvents: 1000 })) as SimulationLimitError;

    expect(error).toBeInstanceOf(SimulationLimitError);
    expect(error).toBeInstanceOf(SimError);
    expect(error).toMatchObject({ name: 'SimulationLimitError', bound: 'events', limit: 1000 });
    expect(error.message).toBe(
      'the simulation processed 1,000 events (its limit) and had not ended, at simulated time 0',
    );
    expect(env.eventsProcessed).toBe(1000);
  });

  it('leaves the calendar as it was: the run can go on', () => {
    const env = new Environment();
    standStill(env);
    thrownBy(() => env.run({ maxEvents: 10 }));

    expect(() => env.run({ maxEvents: 10 })).toThrow(SimulationLimitError);
    expect(env.eventsProcessed).toBe(20);
    expect(env.pending).toBe(1);
  });

  it('lets a run end that needs exactly its budget, with or without until', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (n) => {
        const plain = new Environment();
        for (let i = 1; i <= n; i++) plain.timeout(i);
        const bounded = new Environment();
        for (let i = 1; i <= n; i++) bounded.timeout(i);

        plain.run();
        bounded.run({ until: n + 1, maxEvents: n });

        expect(bounded.eventsProcessed).toBe(plain.eventsProcessed);
        expect(bounded.now).toBe(n + 1);
        expect(() => {
          const short = new Environment();
          for (let i = 1; i <= n; i++) short.timeout(i);
          short.run({ maxEvents: n - 1 });
        }).toThrow(SimulationLimitError);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a budget that is not a number >= 0', () => {
    expect(() => new Environment().run({ maxEvents: -1 })).toThrow('maxEvents must be a number >= 0, got -1');
    expect(() => new Environment().run({ maxEvents: Number.NaN })).toThrow(SimError);
  });
});

describe('RunLimits', () => {
  it('has defaults that a legitimate run never reaches: 100 million events per run, 60 s per call', () => {
    const limits = new RunLimits();

    expect([limits.maxEvents, limits.maxWallMs]).toEqual([DEFAULT_MAX_EVENTS, DEFAULT_MAX_WALL_MS]);
    expect([DEFAULT_MAX_EVENTS, DEFAULT_MAX_WALL_MS]).toEqual([100_000_000, 60_000]);
  });

  it('runs a model exactly as the kernel does: same end, same events', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 10 }), (entities, gap) => {
        const run = (drive: (env: Environment) => void) => {
          const env = new Environment();
          buildModel(casymdaBenchmarkModel(), {
            env,
            random: new Random(1),
            parameters: { entities, interArrival: gap },
          }).start();
          drive(env);
          return [env.now, env.eventsProcessed];
        };

        expect(run((env) => new RunLimits().run(env))).toEqual(run((env) => env.run()));
        expect(run((env) => new RunLimits().run(env, 77))).toEqual(run((env) => env.run({ until: 77 })));
      }),
      { numRuns: 40 },
    );
  });

  it('stops a run beyond its events, and one beyond its wall time, saying which and how far it got', () => {
    const events = new Environment();
    standStill(events);
    const wall = new Environment();
    standStill(wall);

    const tooMany = thrownBy(() => new RunLimits({ maxEvents: 5000 }).run(events)) as SimulationLimitError;
    const tooLong = thrownBy(() =>
      new RunLimits({ maxWallMs: 1500, clock: steppingClock(1000) }).run(wall),
    ) as SimulationLimitError;

    expect(tooMany).toMatchObject({ bound: 'events', limit: 5000, reached: 5000 });
    expect(tooLong).toBeInstanceOf(SimulationLimitError);
    expect(tooLong).toMatchObject({ bound: 'wall-time', limit: 1500, reached: 2000 });
    expect(tooLong.message).toMatch(
      /^the simulation took more than 1\.5 s of wall time \(its limit\) and had not ended \(131,072 events in its current run, at simulated time 0\)$/,
    );
  });

  it('refuses limits that would not bound anything', () => {
    expect(() => new RunLimits({ maxEvents: 0 })).toThrow(
      'maxEvents must be a whole number of at least 1, got 0',
    );
    expect(() => new RunLimits({ maxWallMs: 0 })).toThrow('maxWallMs must be a number > 0, got 0');
    expect(() => new RunLimits({ maxWallMs: Number.NaN })).toThrow(SimError);
  });
});

describe('runModel within limits', () => {
  const casymda = { parameters: { entities: 1000, interArrival: 0 } };

  it('stops a replication beyond its events with a SimulationLimitError', () => {
    expect(() => runModel(casymdaBenchmarkModel(), { ...casymda, limits: { maxEvents: 100 } })).toThrow(
      SimulationLimitError,
    );
    expect(
      runModel(casymdaBenchmarkModel(), { ...casymda, limits: { maxEvents: 2499 } }).replications,
    ).toHaveLength(1);
  });

  it('stops a run of many replications beyond its wall time, between replications', () => {
    const error = thrownBy(() =>
      runModel(casymdaBenchmarkModel(), {
        ...casymda,
        replications: 50,
        limits: { maxWallMs: 5000, clock: steppingClock(1000) },
      }),
    );

    expect(error).toMatchObject({ bound: 'wall-time', limit: 5000 });
  });

  it('refuses replications outside 1 to 100,000 and an until that is not a time > 0 of at most 1e15', () => {
    for (const replications of [0, 1.5, 100_001, 1e9]) {
      expect(() => runModel(casymdaBenchmarkModel(), { ...casymda, replications })).toThrow(
        `replications must be a whole number from 1 to 100,000, got ${replications}`,
      );
    }
    for (const until of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e16]) {
      expect(() => runModel(casymdaBenchmarkModel(), { ...casymda, until })).toThrow(
        `until must be a time > 0 and at most 1e15, got ${until}`,
      );
    }
  });

  it('refuses to report progress every 0 events (it would never move on)', () => {
    expect(() =>
      runModel(casymdaBenchmarkModel(), { ...casymda, progressEvery: 0, onProgress: () => {} }),
    ).toThrow('progress must be reported every 1 or more events, got 0');
  });
});

const NOW = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

/** `n` orders waiting for material, due in an hour. */
function waitingOrders(n: number): Snapshot {
  const orders: OrderState[] = Array.from({ length: n }, (_, i) => ({
    orderId: `order-${i}`,
    status: 'awaiting-material',
    acceptedAt: NOW - MIN,
    materialOrderedAt: NOW - MIN,
    eta: NOW + (i % 7) * MIN,
    dueAt: NOW + 60 * MIN,
  }));
  return { asOf: NOW, orders };
}

describe('forecasts within limits', () => {
  it('stops a forecast beyond its events per run with a SimulationLimitError', () => {
    const snapshot = waitingOrders(50);

    expect(() => forecast(snapshot, orderFlowModel, { limits: { maxEvents: 20 } })).toThrow(
      SimulationLimitError,
    );
    expect(forecast(snapshot, orderFlowModel, { limits: { maxEvents: 1000 } }).orders).toHaveLength(50);
  });

  it('stops a Monte Carlo forecast beyond its wall time, all draws together', () => {
    const uncertain = parsePlantModel({
      ...orderFlowModel,
      parameters: { ...orderFlowModel.parameters, productionTime: { dist: 'exponential', mean: 600_000 } },
    });

    const error = thrownBy(() =>
      forecastMonteCarlo(waitingOrders(5), uncertain, {
        replications: 100,
        limits: { maxWallMs: 10_000, clock: steppingClock(1000) },
      }),
    );

    expect(error).toMatchObject({ name: 'SimulationLimitError', bound: 'wall-time', limit: 10_000 });
  });

  it('refuses, before drawing, a Monte Carlo forecast whose orders × replications exceed the draws it may keep', () => {
    const snapshot = waitingOrders(201);

    const error = thrownBy(() =>
      forecastMonteCarlo(snapshot, orderFlowModel, { replications: 100_000 }),
    ) as SimulationLimitError;

    expect(MAX_MONTE_CARLO_DRAWS).toBe(20_000_000);
    expect(error).toMatchObject({ bound: 'draws', limit: 20_000_000, reached: 20_100_000 });
    expect(error.message).toBe(
      'a Monte Carlo forecast of 201 orders × 100,000 replications would keep 20,100,000 completion times, more than its limit of 20,000,000: use fewer replications',
    );
  });
});
