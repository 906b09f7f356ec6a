// A forecast's stations carry the windows they are out of work in: a unit down now from its
// `since`, planned maintenance, as the forecast applied them; none, no field.
import { describe, expect, it } from 'vitest';
import { forecast, forecastMonteCarlo, parsePlantModel, type Snapshot } from '../../orderflow/index.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => NOW + minutes * MIN;

const model = parsePlantModel({
  name: 'outages-test',
  timeUnit: 'min',
  stations: [
    { id: 'press', capacity: 1 },
    { id: 'oven', capacity: 2 },
  ],
  products: [
    {
      id: 'part',
      routing: [
        { step: 'press', kind: 'operation', station: 'press', duration: 10 },
        { step: 'bake', kind: 'operation', station: 'oven', duration: 10 },
      ],
    },
  ],
  defaultProduct: 'part',
});

const orders = [
  { orderId: 'a', acceptedAt: at(-1) },
  { orderId: 'b', acceptedAt: at(-1) },
];

describe('the outages of a forecast', () => {
  it('lists a unit down now from its since and a maintenance, by start, with their kinds', () => {
    const snapshot: Snapshot = {
      asOf: NOW,
      orders,
      stations: [{ station: 'oven', unit: 2, down: true, since: at(-5), expectedUpAt: at(20) }],
      maintenance: [
        { maintenanceId: 'm1', station: 'press', from: at(5), to: at(15) },
        { maintenanceId: 'm2', station: 'oven', from: at(-30), to: at(-20) },
      ],
    };
    const result = forecast(snapshot, model);
    const [press, oven] = result.stations;
    expect(press!.outages).toEqual([{ from: at(5), to: at(15), kind: 'maintenance' }]);
    expect(oven!.outages).toEqual([{ unit: 2, from: at(-5), to: at(20), kind: 'down' }]);
    expect(result.orders.find((o) => o.orderId === 'b')!.delayCause).toBe('downtime');
  });

  it('lists the same outages in a Monte Carlo forecast: those the snapshot knows, not the draws', () => {
    const snapshot: Snapshot = {
      asOf: NOW,
      orders,
      maintenance: [{ maintenanceId: 'm1', station: 'oven', unit: 1, from: at(5), to: at(15) }],
    };
    const result = forecastMonteCarlo(snapshot, model, { replications: 20, seed: 1 });
    expect(result.stations.map((s) => s.outages)).toEqual([
      undefined,
      [{ unit: 1, from: at(5), to: at(15), kind: 'maintenance' }],
    ]);
  });

  it('leaves the field out when no unit is out, so the record keeps its size', () => {
    const result = forecast({ asOf: NOW, orders }, model);
    for (const s of result.stations) expect('outages' in s).toBe(false);
    const late = forecast(
      {
        asOf: NOW,
        orders,
        maintenance: [{ maintenanceId: 'm', station: 'press', from: at(500), to: at(510) }],
      },
      model,
    );
    for (const s of late.stations) expect('outages' in s).toBe(false);
  });
});
