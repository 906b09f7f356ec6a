// The textbook M/M/1 queue on sim-core, written as a SimPy user writes it (bench/mm1_simpy.py is the
// same model in SimPy): a source process, a Resource of capacity 1, exponential times.
import { Environment, type ProcessGenerator, Random, Resource } from '../sim-core/index.ts';

/** λ and μ of the benchmark: the mean time in system is 1 / (μ − λ) = 10. */
export const MM1_ARRIVAL_RATE = 0.9;
export const MM1_SERVICE_RATE = 1;
export const MM1_THEORY_TIME_IN_SYSTEM = 1 / (MM1_SERVICE_RATE - MM1_ARRIVAL_RATE);

export interface MM1Result {
  /** When the last customer left. */
  endTime: number;
  customers: number;
  /** Kernel events processed: five per customer (arrival timeout, process start, request, service timeout, process end) and two for the source. */
  events: number;
  /** Run time of the simulation itself (model build and run), ms. */
  wallMs: number;
  /** Mean time from arrival to departure over all customers. */
  meanTimeInSystem: number;
}

/** Runs `customers` customers through an M/M/1 queue; arrivals and services draw from their own streams. */
export function mm1(
  customers: number,
  seed = 1,
  arrivalRate = MM1_ARRIVAL_RATE,
  serviceRate = MM1_SERVICE_RATE,
): MM1Result {
  const started = performance.now();
  const env = new Environment();
  const server = new Resource(env, { capacity: 1 });
  const arrivals = new Random(seed);
  const services = new Random(seed + 1);
  let timeInSystem = 0;

  function* customer(): ProcessGenerator<void> {
    const arrived = env.now;
    const request = server.request();
    yield request;
    yield env.timeout(services.exponential(1 / serviceRate));
    server.release(request);
    timeInSystem += env.now - arrived;
  }

  function* source(): ProcessGenerator<void> {
    for (let i = 0; i < customers; i++) {
      yield env.timeout(arrivals.exponential(1 / arrivalRate));
      env.process(customer());
    }
  }

  env.process(source());
  env.run();
  const wallMs = performance.now() - started;
  return {
    endTime: env.now,
    customers,
    events: env.eventsProcessed,
    wallMs: Math.round(wallMs * 10) / 10,
    meanTimeInSystem: timeInSystem / customers,
  };
}
