// An entity that flows through the blocks of a model: an order, a part, a customer.
import type { Event } from '../kernel/events.ts';
import type { Request } from '../kernel/resources.ts';

export type Attributes = Record<string, number | string | undefined>;

/**
 * The attributes of every entity that has none, shared: an entity of a source without attributes,
 * or one that carries its data in fields of its own, costs no object of attributes.
 */
export const NO_ATTRIBUTES: Attributes = Object.freeze({});

/** A unit of flow; `attributes` carry the data blocks and queue rules read. */
export class Entity {
  /** When the entity entered the block it is in. */
  enteredAt: number;
  /**
   * Granted requests of the units the entity holds: the first in `held`, any more beside it in
   * `heldMore` (most entities hold one unit at a time, and then cost no array).
   */
  held: Request<Entity> | undefined = undefined;
  heldMore: Request<Entity>[] | undefined = undefined;
  /** In a delay: the event that ends it, when it ends, and how long it lasts in all (see `Delay.suspend`). */
  timer: Event<Entity> | undefined = undefined;
  until = 0;
  work = 0;
  /** Suspended in a delay: the time it had left then. */
  left = 0;

  constructor(
    /** An order id, or a source's running number. */
    readonly id: string | number,
    readonly createdAt: number,
    readonly attributes: Attributes = {},
  ) {
    this.enteredAt = createdAt;
  }
}
