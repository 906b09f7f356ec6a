// One replication of a warehouse day on sim-core's kernel: each station a resource with its units,
// customer orders and inbound shipments arriving as Poisson processes, each passing its flow's stages
// in turn (queue for a unit, hold it for the stage's time, release it). Draws are keyed by flow,
// arrival number and activity (common random numbers), so that two scenarios on one seed give the
// same order the same items and the same picking times, whatever else differs.
import { Environment } from '../../sim-core/kernel/Environment.ts';
import type { Event, ProcessGenerator } from '../../sim-core/kernel/events.ts';
import { Resource } from '../../sim-core/kernel/resources.ts';
import { DEFAULT_MAX_EVENTS } from '../../sim-core/limits.ts';
import { quantileOf } from '../../sim-core/quantile.ts';
import { KeyedStreams, nameKey } from '../../sim-core/random/KeyedStreams.ts';
import { sampler } from '../../sim-core/random/Random.ts';
import { replicationSeed, type Seed } from '../../sim-core/random/seeds.ts';
import type { Replication } from '../scenarios/ScenarioTwin.ts';
import { flowsOf, type WarehouseFlow, type WarehouseModel } from './model.ts';

/** Minutes: every duration of a warehouse model is in minutes, every rate per hour. */
const HOUR = 60;

/** The KPI key of a stage's mean queue time, and of a station's utilisation. */
export const queueTimeKey = (stage: string): string => `queue-time:${stage}`;
export const utilisationKey = (station: string): string => `utilisation:${station}`;

// Stream keys of a flow's activities besides its stages; a stage's key is its name's under a salt of
// its own, so that no stage name ("arrival") can share a stream with these.
const ARRIVAL = nameKey('arrival');
const ITEMS = nameKey('items');
const STAGE_SALT = 0x5f3759df;

/** What one flow's arrivals did in a run. */
interface FlowTally {
  arrived: number;
  finished: number;
  /** Finished at or before the end of the day and after the warm-up: the day's completions. */
  completedInDay: number;
  /** Cycle times of the arrivals after the warm-up, each once it finished (the run drains). */
  cycleTimes: number[];
  queueTime: number;
}

interface StageTally {
  wait: number;
  tasks: number;
}

/**
 * Runs one replication of `model` from `seed` and `replication`: orders and shipments arrive over
 * the day (`horizonHours`), then the work in the warehouse drains. KPIs count what arrived after the
 * warm-up (cycle and queue times) and what happened between warm-up and the day's end (completions,
 * throughput, utilisation).
 */
export function simulateWarehouse(model: WarehouseModel, seed: Seed, replication: number): Replication {
  const env = new Environment(0);
  const streams = new KeyedStreams(replicationSeed(seed, replication));
  const random = streams.random;
  const warmup = model.warmupHours * HOUR;
  const horizon = model.horizonHours * HOUR;

  const stations = new Map(
    model.stations.map((s) => [s.id, new Resource<number>(env, { capacity: s.units })] as const),
  );
  const stageTallies = new Map<string, StageTally>();
  const tallies = new Map<string, FlowTally>();
  const busyAtWarmup = new Map<string, number>();
  const busyAtEnd = new Map<string, number>();
  let backlog = 0;

  for (const { role, flow } of flowsOf(model)) {
    const tally: FlowTally = { arrived: 0, finished: 0, completedInDay: 0, cycleTimes: [], queueTime: 0 };
    tallies.set(role, tally);
    const flowKey = nameKey(role);
    const stages = flow.stages.map((stage) => {
      const stageTally = { wait: 0, tasks: 0 };
      stageTallies.set(stage.name, stageTally);
      return {
        stage,
        key: nameKey(stage.name, STAGE_SALT),
        resource: stations.get(stage.station)!,
        time: sampler(stage.time, random),
        tally: stageTally,
      };
    });

    /** One unit of work at a stage: queue for a unit, hold it for `duration`; returns the wait. */
    function* task(resource: Resource<number>, id: number, draw: () => number): ProcessGenerator<number> {
      const asked = env.now;
      const request = resource.request(id);
      yield request;
      const wait = env.now - asked;
      yield env.timeout(draw());
      resource.release(request);
      return wait;
    }

    function* arrival(id: number, items: number, counted: boolean): ProcessGenerator<void> {
      const arrivedAt = env.now;
      let queued = 0;
      for (const { stage, key, resource, time, tally: stageTally } of stages) {
        if (stage.split) {
          const tasks: Event<number>[] = [];
          for (let k = 0; k < items; k++) {
            tasks.push(
              env.process(
                task(resource, id, () => {
                  streams.select(flowKey ^ key, id, k);
                  return time.sample();
                }),
              ),
            );
          }
          yield env.allOf(tasks);
          let longest = 0;
          for (const t of tasks) {
            const wait = t.value;
            longest = Math.max(longest, wait);
            if (counted) {
              stageTally.wait += wait;
              stageTally.tasks++;
            }
          }
          queued += longest;
        } else {
          const wait: number = yield* task(resource, id, () => {
            streams.select(flowKey, id, key);
            if (stage.per === 'order') return time.sample();
            let sum = 0;
            for (let k = 0; k < items; k++) sum += time.sample();
            return sum;
          });
          queued += wait;
          if (counted) {
            stageTally.wait += wait;
            stageTally.tasks++;
          }
        }
      }
      tally.finished++;
      if (env.now <= horizon && env.now >= warmup) tally.completedInDay++;
      if (counted) {
        tally.cycleTimes.push(env.now - arrivedAt);
        tally.queueTime += queued;
      }
    }

    function* arrivals(f: WarehouseFlow): ProcessGenerator<void> {
      const meanGap = HOUR / f.arrivalsPerHour;
      for (let id = 0; ; id++) {
        streams.select(flowKey, id, ARRIVAL);
        const gap = random.exponential(meanGap);
        if (env.now + gap >= horizon) return;
        yield env.timeout(gap);
        streams.select(flowKey, id, ITEMS);
        const items = random.integer(f.items.min, f.items.max);
        tally.arrived++;
        env.process(arrival(id, items, env.now >= warmup));
      }
    }
    env.process(arrivals(flow));
  }

  env.process(
    (function* (): ProcessGenerator<void> {
      if (warmup > 0) yield env.timeout(warmup);
      for (const [id, r] of stations) busyAtWarmup.set(id, r.busyTime());
      yield env.timeout(horizon - warmup);
      for (const [id, r] of stations) busyAtEnd.set(id, r.busyTime());
      const orders = tallies.get('orders')!;
      backlog = orders.arrived - orders.finished;
    })(),
  );

  env.run({ maxEvents: DEFAULT_MAX_EVENTS });

  const orders = tallies.get('orders')!;
  const inbound = tallies.get('inbound');
  const dayHours = model.horizonHours - model.warmupHours;
  const kpis: Record<string, number> = {
    ordersCompleted: orders.completedInDay,
    throughputPerHour: orders.completedInDay / dayHours,
    meanCycleTime: mean(orders.cycleTimes),
    p90CycleTime: orders.cycleTimes.length === 0 ? 0 : quantileOf(orders.cycleTimes, 0.9),
    meanQueueTime: orders.cycleTimes.length === 0 ? 0 : orders.queueTime / orders.cycleTimes.length,
    backlog,
    shipmentsPutAway: inbound?.completedInDay ?? 0,
    meanDockToStock: inbound === undefined ? 0 : mean(inbound.cycleTimes),
  };
  for (const [name, t] of stageTallies) kpis[queueTimeKey(name)] = t.tasks === 0 ? 0 : t.wait / t.tasks;
  for (const s of model.stations) {
    const busy = busyAtEnd.get(s.id)! - busyAtWarmup.get(s.id)!;
    kpis[utilisationKey(s.id)] = (100 * busy) / ((horizon - warmup) * s.units);
  }
  return { kpis, events: env.eventsProcessed };
}

function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return xs.length === 0 ? 0 : sum / xs.length;
}
