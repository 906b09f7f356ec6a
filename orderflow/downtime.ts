// Stations down and planned maintenance: the windows in which a unit of a station is out of work,
// read once from the snapshot, then put into as many networks as needed (the forecast's, every
// Monte Carlo replication's). The plan is run without them: what they push back is a delay.
import type { Environment } from '../sim-core/kernel/Environment.ts';
import type { ProcessGenerator } from '../sim-core/kernel/events.ts';
import { nameKey } from '../sim-core/random/KeyedStreams.ts';
import { type Random, type Sampler, sampler } from '../sim-core/random/Random.ts';
import type { ResolvedModel, ResolvedStation } from './model/resolveModel.ts';
import { type Network, takeOut } from './network.ts';
import type { ForecastWarning, Snapshot } from './types.ts';

/** A unit of a station (every unit, without one) out of work from `from` to `to` (epoch ms). */
export interface Outage {
  station: number;
  unit: number | undefined;
  from: number;
  to: number;
  /**
   * A unit down now whose return the model's repairs decide (no `expectedUpAt`): `to` is the mean of
   * the repairs longer than it has been down, and a Monte Carlo replication draws one instead.
   */
  repairDrawn?: boolean;
  /** What took it out: a station down, or a planned maintenance (default: down). */
  kind?: 'down' | 'maintenance';
}

/** Means only: no draw. */
const NO_RANDOM = { next: () => 0.5 } as unknown as Random;

/**
 * The outages that the snapshot knows of, after asOf: each unit down now until it is expected back
 * up, and each planned maintenance that has not ended. A unit down now is back at its
 * `expectedUpAt`; without one (or once it has passed), after the station's mean time to repair
 * longer than it has been down already; when the model has no failures for the station, or none
 * that long, at asOf (a warning says so). What cannot be placed (an unknown station or unit) is a
 * warning, never a crash.
 */
export function knownOutages(
  snapshot: Snapshot,
  resolved: ResolvedModel,
  warnings: ForecastWarning[],
): Outage[] {
  const asOf = snapshot.asOf;
  const outages: Outage[] = [];
  if (snapshot.stations === undefined && snapshot.maintenance === undefined) return outages;
  const byId = new Map(resolved.stations.map((s) => [s.id, s]));
  const find = (id: string, unit: number | undefined, what: string): ResolvedStation | undefined => {
    const station = byId.get(id);
    if (station === undefined) {
      warnings.push({
        kind: 'unknown-station',
        message: `${what} names station ${id}, which model ${resolved.model.name} does not have; ignored`,
      });
      return undefined;
    }
    if (unit !== undefined && !(Number.isInteger(unit) && unit >= 1 && unit <= station.capacity)) {
      warnings.push({
        kind: 'unknown-station',
        message: `${what} names unit ${unit} of station ${id}, which has units 1 to ${station.capacity}; ignored`,
      });
      return undefined;
    }
    return station;
  };

  for (const state of snapshot.stations ?? []) {
    if (!state.down) continue;
    const name =
      state.unit === undefined ? `station ${state.station}` : `station ${state.station} unit ${state.unit}`;
    const station = find(state.station, state.unit, `the state of ${name}`);
    if (station === undefined) continue;
    const since = Math.min(state.since, asOf);
    let to = state.expectedUpAt ?? Number.NaN;
    if (!(to > asOf)) {
      const passed = state.expectedUpAt === undefined ? '' : `, expected up ${seconds(asOf - to)} s ago,`;
      const repair = station.failures?.timeToRepair;
      const above =
        repair === undefined
          ? undefined
          : sampler(repair, NO_RANDOM, true).meanAbove((asOf - since) / resolved.unitMs);
      if (above !== undefined && since + above * resolved.unitMs > asOf) {
        to = since + above * resolved.unitMs;
        warnings.push({
          kind: 'station-down',
          message: `${name} has been down ${seconds(asOf - since)} s${passed} and is expected up in ${seconds(to - asOf)} s (the model's repairs longer than that)`,
        });
      } else {
        to = asOf;
        warnings.push({
          kind: 'station-down',
          message: `${name} has been down ${seconds(asOf - since)} s${passed} with ${repair === undefined ? 'no time to repair in the model' : 'no repair of the model that long'}; assumed to come up now`,
        });
      }
    }
    outages.push({
      station: station.index,
      unit: state.unit,
      from: since,
      to,
      ...(to > asOf &&
        !(state.expectedUpAt !== undefined && state.expectedUpAt > asOf) && { repairDrawn: true }),
    });
  }

  for (const m of snapshot.maintenance ?? []) {
    const name = `maintenance ${m.maintenanceId}`;
    if (!(m.to > m.from)) {
      warnings.push({
        kind: 'contradictory-time',
        message: `${name} of station ${m.station} ends before it starts; ignored`,
      });
      continue;
    }
    const station = find(m.station, m.unit, name);
    if (station === undefined) continue;
    outages.push({ station: station.index, unit: m.unit, from: m.from, to: m.to, kind: 'maintenance' });
  }
  return outages;
}

/**
 * Takes the units of `outages` out of service in `net` (placed at its start, asOf); those over by then
 * change nothing. A unit down now whose repair the model decides comes back after a repair drawn
 * from the model's longer than it has been down, when `net` draws (a Monte Carlo replication).
 */
export function applyOutages(net: Network, outages: readonly Outage[], draw = false): void {
  const now = net.env.now;
  for (const o of outages) {
    if (o.to < now) continue;
    const repair = draw && o.repairDrawn ? net.samplers.failures[o.station]?.timeToRepair : undefined;
    if (repair !== undefined) selectUnitStream(net, o.station, o.unit ?? 0, REPAIR_NOW);
    const drawn = repair?.drawAbove(now - o.from);
    const to = drawn === undefined ? o.to : Math.max(now, o.from + drawn);
    takeOut(net, o.station, o.from, to, o.unit);
  }
}

/**
 * The work done by `asOf` in an operation begun at `started` on a unit with `outages` (its own and
 * its station's): the time since it began less the time its unit was out (`resume`), or the time
 * since its unit was last back (`restart`); `cut` when an outage fell within it.
 */
export function workDone(
  outages: readonly Outage[],
  started: number,
  asOf: number,
  restart: boolean,
): { done: number; cut: boolean } {
  const spans = outages
    .map((o) => [Math.max(o.from, started), Math.min(o.to, asOf)] as const)
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  if (spans.length === 0) return { done: asOf - started, cut: false };
  let out = 0;
  let from = spans[0]![0];
  let to = spans[0]![1];
  for (const [f, t] of spans) {
    if (f > to) {
      out += to - from;
      from = f;
    }
    to = Math.max(to, t);
  }
  out += to - from;
  return { done: restart ? asOf - to : asOf - started - out, cut: true };
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

/**
 * Breaks the units of every station with a failure model down at random while `pending` orders of
 * `net` are still to complete (a Monte Carlo replication): each unit works a drawn time between
 * failures from asOf on, then is out for a drawn time to repair, and again, as SimPy's machine shop
 * breaks its machines. The draws stop with the last order, so that the run ends.
 */
export function drawBreakdowns(net: Network, pending: number): void {
  if (pending === 0) return;
  net.resolved.stations.forEach((station, index) => {
    const failures = net.samplers.failures[index];
    if (failures === undefined) return;
    for (let unit = 1; unit <= station.capacity; unit++) {
      net.env.process(breakdowns(net, index, unit, failures, pending));
    }
  });
}

function* breakdowns(
  net: Network,
  index: number,
  unit: number,
  failures: { timeBetweenFailures: Sampler; timeToRepair: Sampler },
  pending: number,
): ProcessGenerator<void> {
  const env: Environment = net.env;
  for (let cycle = 0; ; cycle += 2) {
    selectUnitStream(net, index, unit, cycle);
    yield env.timeout(Math.max(0, failures.timeBetweenFailures.sample()));
    if (net.completed() >= pending) return;
    selectUnitStream(net, index, unit, cycle + 1);
    const repair = Math.max(0, failures.timeToRepair.sample());
    takeOut(net, index, env.now, env.now + repair, unit);
    yield env.timeout(repair);
  }
}

/** The stream of the repair of a unit down at the forecast's start: apart from its breakdowns' (numbered from 0). */
const REPAIR_NOW = -1;

/**
 * Common random numbers (when `net` has them): selects the stream of draw `k` of a unit of station
 * `index` (unit 0: every unit), the same in every run on the seed.
 */
function selectUnitStream(net: Network, index: number, unit: number, k: number): void {
  net.samplers.streams?.select(nameKey(net.resolved.stations[index]!.id, STATION_SALT), unit, k);
}

/** Keeps stations' stream keys apart from orders' (see unitKeys). */
const STATION_SALT = 2;
