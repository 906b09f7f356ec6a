// What really happened, from the order state's stream: each step an order newly finished (with when
// it started, at which station, of which product) and each material newly arrived (with the ETAs it
// was given). The comparison of forecasts with the truth and the recalibration of the model read
// them as the changes flow, so that neither scans history per event.

import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { plantOfKey } from '../contracts/plants.ts';
import { isPlantKey } from '../state/plantState.ts';
import { nestSteps } from '../state/stepAttributes.ts';

/** A step of an order that finished in this change. */
export interface FinishedStep {
  orderId: string;
  /** The order's product (none: the model's default). */
  product?: string;
  step: string;
  /** The station its start named, if any. */
  station?: string;
  /** When it started, if the twin saw its start. */
  startedAt?: number;
  finishedAt: number;
  /** When the order was due, if it has a due date. */
  dueAt?: number;
}

/** An order's material that arrived in this change, and what it had been promised. */
export interface MaterialArrival {
  orderId: string;
  product?: string;
  /** The supplier its order named, if any. */
  supplier?: string;
  materialOrderedAt?: number;
  /** The supplier's first ETA, and the last one before the material came. */
  initialEta?: number;
  eta?: number;
  arrivedAt: number;
}

export interface Observations {
  steps: FinishedStep[];
  arrivals: MaterialArrival[];
}

type Image = Record<string, AttributeValue> | undefined;
interface OrderImage {
  orderId?: string;
  product?: string;
  supplier?: string;
  dueAt?: number;
  materialOrderedAt?: number;
  initialEta?: number;
  eta?: number;
  materialArrivedAt?: number;
  steps?: Record<string, { startedAt?: number; finishedAt?: number; station?: string }>;
}

const orderOf = (image: Image): OrderImage | undefined =>
  image === undefined ? undefined : (nestSteps(unmarshall(image as never)) as unknown as OrderImage);

/**
 * The steps finished and the materials arrived in `records` (order state stream records, new and
 * old images): a value that appears, or changes (a corrected finish), counts; one that stays or
 * goes does not. Station and maintenance items are no orders and give nothing.
 */
export function observationsOf(records: readonly DynamoDBRecord[]): Observations {
  const observed: Observations = { steps: [], arrivals: [] };
  for (const record of records) {
    const after = orderOf(record.dynamodb?.NewImage as Image);
    if (after?.orderId === undefined || isPlantKey(after.orderId)) continue;
    const before = orderOf(record.dynamodb?.OldImage as Image);
    const { product, dueAt } = after;
    // The item's key holds its plant: the order is known by its own id, as its forecasts know it.
    const orderId = plantOfKey(after.orderId).key;
    for (const [step, state] of Object.entries(after.steps ?? {})) {
      const finishedAt = state.finishedAt;
      if (finishedAt === undefined || before?.steps?.[step]?.finishedAt === finishedAt) continue;
      observed.steps.push({
        orderId,
        step,
        finishedAt,
        ...(product !== undefined && { product }),
        ...(state.station !== undefined && { station: state.station }),
        ...(state.startedAt !== undefined && { startedAt: state.startedAt }),
        ...(dueAt !== undefined && { dueAt }),
      });
    }
    const arrivedAt = after.materialArrivedAt;
    if (arrivedAt !== undefined && before?.materialArrivedAt !== arrivedAt) {
      observed.arrivals.push({
        orderId,
        arrivedAt,
        ...(product !== undefined && { product }),
        ...(after.supplier !== undefined && { supplier: after.supplier }),
        ...(after.materialOrderedAt !== undefined && { materialOrderedAt: after.materialOrderedAt }),
        ...(after.initialEta !== undefined && { initialEta: after.initialEta }),
        // The ETA the material was last promised for: the one before this change set the arrival.
        ...((before?.eta ?? after.eta) !== undefined && { eta: (before?.eta ?? after.eta)! }),
      });
    }
  }
  return observed;
}
