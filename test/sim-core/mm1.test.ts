// The M/M/1 benchmark model on sim-core is the textbook queue: its customers' times are those of the
// first-come, first-served recursion on the same random draws, its mean time in system is the
// theory's, and it processes the events the model implies.
import { describe, expect, it } from 'vitest';
import { MM1_ARRIVAL_RATE, MM1_SERVICE_RATE, MM1_THEORY_TIME_IN_SYSTEM, mm1 } from '../../bench/mm1.ts';
import { Random } from '../../sim-core/index.ts';

const CUSTOMERS = 200_000;
const SEED = 1;

/** The same queue without a kernel: each customer leaves at max(its arrival, the last departure) + its service. */
function firstComeFirstServed(customers: number, seed: number) {
  const arrivals = new Random(seed);
  const services = new Random(seed + 1);
  let arrival = 0;
  let departure = 0;
  let timeInSystem = 0;
  for (let i = 0; i < customers; i++) {
    arrival += arrivals.exponential(1 / MM1_ARRIVAL_RATE);
    departure = Math.max(arrival, departure) + services.exponential(1 / MM1_SERVICE_RATE);
    timeInSystem += departure - arrival;
  }
  return { endTime: departure, meanTimeInSystem: timeInSystem / customers };
}

describe('the M/M/1 benchmark model', () => {
  const run = mm1(CUSTOMERS, SEED);

  it('gives every customer the time in system of the first-come, first-served recursion on the same draws', () => {
    const expected = firstComeFirstServed(CUSTOMERS, SEED);

    expect(run.endTime).toBeCloseTo(expected.endTime, 6);
    expect(run.meanTimeInSystem).toBeCloseTo(expected.meanTimeInSystem, 9);
  });

  it('has the mean time in system of the theory, 1 / (μ − λ) = 10, within three standard errors', () => {
    // At ρ = 0.9 successive customers' times are strongly correlated: over 40 seeds, the mean of
    // 200,000 customers had a standard deviation of 4.7 % of 10. Three of them: 15 %. A model with a
    // wrong rate is far outside (μ = 0.95 gives 20), and the recursion above checks it exactly.
    expect(MM1_THEORY_TIME_IN_SYSTEM).toBeCloseTo(10, 12);
    expect(Math.abs(run.meanTimeInSystem - 10) / 10).toBeLessThan(0.15);
  });

  it('processes five events per customer and two for the source', () => {
    // Arrival timeout, process start, request granted, service timeout, process end; the source's
    // start and end. Releasing the server is immediate, no event.
    expect(run.events).toBe(5 * CUSTOMERS + 2);
  });
});
