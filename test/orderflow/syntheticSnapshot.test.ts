// The benchmarks' synthetic plants (bench/workloads.ts) are snapshots a plant could report: no
// station unit ever does two operations at once, every order's times follow its routing and come
// after its acceptance, and the forecast needs to assume nothing but overdue material.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syntheticSnapshot } from '../../bench/workloads.ts';
import { forecast, orderFlowModel, type PlantModel, parsePlantModel } from '../../orderflow/index.ts';
import { resolveModel } from '../../orderflow/model/resolveModel.ts';

const flowShop = parsePlantModel(JSON.parse(readFileSync('examples/models/flow-shop.json', 'utf8')));
const jobShop = parsePlantModel(JSON.parse(readFileSync('examples/models/job-shop.json', 'utf8')));

/** The most operations of `spans` going on at once ([start, end), an end before a start at one instant). */
function mostAtOnce(spans: [number, number][]): number {
  const edges = spans.flatMap(([s, e]): [number, number][] => [
    [s, 1],
    [e, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) {
    now += d;
    most = Math.max(most, now);
  }
  return most;
}

describe.each([
  ['the demo plant', orderFlowModel],
  ['the flow shop', flowShop],
  ['the job shop', jobShop],
] as [string, PlantModel][])('a synthetic snapshot of %s', (_name, model) => {
  const snapshot = syntheticSnapshot(2_000, 1, model);
  const resolved = resolveModel(model);

  it('never has more operations at a station at once than it has units', () => {
    const spans = resolved.stations.map((): [number, number][] => []);
    for (const order of snapshot.orders) {
      const product =
        order.product === undefined ? resolved.defaultProduct : resolved.productById.get(order.product)!;
      for (const step of product.routing) {
        const times = order.steps?.[step.step];
        if (step.station === undefined || times?.startedAt === undefined) continue;
        spans[step.station.index]!.push([times.startedAt, times.finishedAt ?? snapshot.asOf]);
      }
    }
    for (const station of resolved.stations) {
      expect(spans[station.index]!.length).toBeGreaterThan(0);
      expect(mostAtOnce(spans[station.index]!), station.id).toBeLessThanOrEqual(station.capacity);
    }
  });

  it('has each order accepted first, its steps one after the other, all by asOf', () => {
    for (const order of snapshot.orders) {
      const product =
        order.product === undefined ? resolved.defaultProduct : resolved.productById.get(order.product)!;
      let t = order.acceptedAt!;
      for (const step of product.routing) {
        const times =
          step.kind === 'material'
            ? [order.materialOrderedAt, order.materialArrivedAt]
            : [order.steps?.[step.step]?.startedAt, order.steps?.[step.step]?.finishedAt];
        for (const time of times) {
          if (time === undefined) continue;
          expect(time, order.orderId).toBeGreaterThanOrEqual(t);
          t = time;
        }
      }
      expect(t).toBeLessThanOrEqual(snapshot.asOf);
    }
  });

  it('is forecast without any assumption but overdue material', () => {
    const kinds = new Set(forecast(snapshot, model).warnings.map((w) => w.kind));
    expect([...kinds].filter((k) => k !== 'overdue-material')).toEqual([]);
  });
});
