import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { observationsOf } from '../../forecast/observations.ts';
import { stepAttribute } from '../../state/stepAttributes.ts';

const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as never;
const change = (
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
): DynamoDBRecord => ({
  eventName: before === undefined ? 'INSERT' : 'MODIFY',
  dynamodb: { ...(before && { OldImage: image(before) }), NewImage: image(after) },
});

describe('observationsOf', () => {
  const started = {
    orderId: 'o-1',
    product: 'widget',
    dueAt: 9_000,
    [stepAttribute('press', 'startedAt')]: 1_000,
    [stepAttribute('press', 'station')]: 'press-2',
  };

  it('gives a step that newly finished, with its start, station, product and due date', () => {
    const finished = { ...started, [stepAttribute('press', 'finishedAt')]: 4_000 };
    expect(observationsOf([change(started, finished)])).toEqual({
      steps: [
        {
          orderId: 'o-1',
          product: 'widget',
          step: 'press',
          station: 'press-2',
          startedAt: 1_000,
          finishedAt: 4_000,
          dueAt: 9_000,
        },
      ],
      arrivals: [],
    });
    // The same finish again (another field changed) is no new observation.
    expect(observationsOf([change(finished, { ...finished, priority: 2 })]).steps).toEqual([]);
  });

  it('gives an arrival with the ETA it was last promised, the first ETA and the supplier', () => {
    const waiting = { orderId: 'o-2', supplier: 'acme', materialOrderedAt: 0, initialEta: 500, eta: 800 };
    const arrived = { ...waiting, materialArrivedAt: 900 };
    expect(observationsOf([change(waiting, arrived)]).arrivals).toEqual([
      { orderId: 'o-2', supplier: 'acme', materialOrderedAt: 0, initialEta: 500, eta: 800, arrivedAt: 900 },
    ]);
  });

  it('ignores station items and records without a new image', () => {
    const station = { orderId: '#plant#station#press-1', state: 'down' };
    expect(observationsOf([change(undefined, station), { eventName: 'REMOVE', dynamodb: {} }])).toEqual({
      steps: [],
      arrivals: [],
    });
  });
});
