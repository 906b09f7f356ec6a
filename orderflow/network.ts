// The order-flow network: the blocks of an order-flow model found by their step labels, with an
// observer that stamps each order with the times it leaves each step.
import { type BlockObserver, Delay, Seize } from '../sim-core/blocks/blocks.ts';
import { buildModel, type Model } from '../sim-core/blocks/buildModel.ts';
import { Entity } from '../sim-core/blocks/Entity.ts';
import type { ModelDefinition, ParameterValue } from '../sim-core/blocks/ModelDefinition.ts';
import type { Environment } from '../sim-core/kernel/Environment.ts';
import { ModelError } from '../sim-core/kernel/errors.ts';
import { Random } from '../sim-core/random/Random.ts';
import { Step } from './types.ts';

/** The attributes of an order entity: what queue rules read, and the step times stamped on it. */
export interface OrderAttributes {
  orderId: string;
  acceptedAt: number | undefined;
  dueAt: number | undefined;
  priority: number | undefined;
  /** Overrides the material delay (a known ETA, or a plant's real lead time). */
  leadTime: number | undefined;
  /** Overrides the production time (a plant's real one). */
  productionTime: number | undefined;
  materialReadyAt: number | undefined;
  productionStartAt: number | undefined;
  productionEndAt: number | undefined;
  [name: string]: number | string | undefined;
}

/**
 * Creates an order entity. Every attribute is present from the start, so all order entities share
 * one object shape and the queue rules' and observers' property reads stay fast.
 */
export function orderEntity(
  order: { orderId: string; acceptedAt?: number; dueAt?: number; priority?: number },
  createdAt: number,
  overrides: { leadTime?: number; productionTime?: number } = {},
): Entity & { attributes: OrderAttributes } {
  const attributes: OrderAttributes = {
    orderId: order.orderId,
    acceptedAt: order.acceptedAt,
    dueAt: order.dueAt,
    priority: order.priority,
    leadTime: overrides.leadTime,
    productionTime: overrides.productionTime,
    materialReadyAt: undefined,
    productionStartAt: undefined,
    productionEndAt: undefined,
  };
  return new Entity(order.orderId, createdAt, attributes) as Entity & { attributes: OrderAttributes };
}

/** The order-flow steps of a model, ready to receive orders. */
export interface OrderFlowNetwork {
  model: Model;
  material: Delay;
  queue: Seize;
  production: Delay;
}

const stamp: BlockObserver = {
  leave(block, entity, time) {
    const attributes = entity.attributes as OrderAttributes;
    if (block.step === Step.material) attributes.materialReadyAt = time;
    else if (block.step === Step.queue) attributes.productionStartAt = time;
    else if (block.step === Step.production) attributes.productionEndAt = time;
  },
};

/**
 * Builds an order-flow model in `env`. The model must label a delay `material`, a seize `queue`
 * and a delay `production` (see `models/order-flow.json`).
 */
export function orderFlowNetwork(
  definition: ModelDefinition,
  env: Environment,
  options: { parameters?: Record<string, ParameterValue>; random?: Random; deterministic?: boolean } = {},
): OrderFlowNetwork {
  const model = buildModel(definition, {
    env,
    random: options.random ?? new Random(0),
    parameters: options.parameters,
    deterministic: options.deterministic ?? true,
  });
  const find = <T extends Delay | Seize>(step: Step, kind: new (...args: never[]) => T, what: string): T => {
    const block = [...model.blocks.values()].find((b) => b.step === step);
    if (block === undefined || !(block instanceof kind)) {
      throw new ModelError(`model "${definition.name}" needs a ${what} block labelled "step": "${step}"`);
    }
    block.observer = stamp;
    return block;
  };
  return {
    model,
    material: find(Step.material, Delay, 'delay'),
    queue: find(Step.queue, Seize, 'seize'),
    production: find(Step.production, Delay, 'delay'),
  };
}
