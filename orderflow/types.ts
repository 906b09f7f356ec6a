// The order-flow model's inputs and outputs: order state, the WIP snapshot, and the forecast.

import type { OrderState, OrderStatus } from '../contracts/orderState.ts';

// The order state is the contracts' (contracts/orderState.ts): the order domain reads it.
export type {
  OrderNumberField,
  OrderState,
  OrderStateField,
  OrderTimeField,
  StepState,
} from '../contracts/orderState.ts';
export {
  ORDER_NUMBER_FIELDS,
  ORDER_STATE_FIELDS,
  ORDER_STATUSES,
  ORDER_TIME_FIELDS,
  OrderStatus,
} from '../contracts/orderState.ts';

/** The work in process at `asOf`: the input of a forecast. */
export interface Snapshot {
  asOf: number;
  orders: readonly OrderState[];
}

/** The steps of an order that the forecast reports. */
export const Step = { material: 'material', queue: 'queue', production: 'production' } as const;
export type Step = (typeof Step)[keyof typeof Step];

/** One part of a step: `actual` if it lies before the forecast's `asOf` (it happened), else forecast. */
export interface StepSpan {
  step: Step;
  start: number;
  end: number;
  actual: boolean;
}

/** Why an order finishes later than planned. */
export const DelayCause = {
  none: 'none',
  ownMaterial: 'own-material',
  knockOn: 'knock-on',
  overrun: 'overrun',
  overdueMaterial: 'overdue-material',
} as const;
export type DelayCause = (typeof DelayCause)[keyof typeof DelayCause];

/** The forecast of one active order. */
export interface OrderForecast {
  orderId: string;
  status: OrderStatus;
  acceptedAt?: number;
  initialEta?: number;
  eta?: number;
  materialReadyAt: number;
  productionStartAt: number;
  productionEndAt: number;
  /** When production would end had nothing slipped: every ETA as first announced, nominal durations. */
  plannedEndAt: number;
  /** productionEndAt − plannedEndAt. */
  delayMs: number;
  dueAt?: number;
  /** productionEndAt − dueAt: positive when late, negative when early. */
  latenessMs?: number;
  late: boolean;
  delayCause: DelayCause;
  steps: StepSpan[];
  /** Monte Carlo forecasts only: percentiles of the production end over the replications. */
  productionEndP10?: number;
  productionEndP50?: number;
  productionEndP90?: number;
  /** Monte Carlo forecasts of an order with a due date only: the share of replications in which it ends by then. */
  onTimeProbability?: number;
}

/** Something in the snapshot that the forecast had to assume around; never a crash. */
export interface ForecastWarning {
  orderId?: string;
  /**
   * `contradictory-time`: an order time after a later milestone or after asOf (orderflow/wipTimes.ts).
   */
  kind: 'overdue-material' | 'overrun' | 'over-capacity' | 'missing-time' | 'contradictory-time';
  message: string;
}

/** Plant KPIs over the forecast horizon [asOf, last production end]. */
export interface ForecastKpis {
  activeOrders: number;
  /** Time from asOf until the last active order's production ends. */
  makespanMs: number;
  /** Busy line time over (lines × horizon); 0 when nothing is left to produce. */
  lineUtilisation: number;
  ordersLate: number;
  /** Mean lateness of the late orders (0 when none is late). */
  meanLatenessMs: number;
  ordersDelayed: number;
  /**
   * Monte Carlo forecasts only: orders that end by their due date at the means (not late) but do
   * not in at least `AT_RISK_LATE_CHANCE` of the draws.
   */
  ordersAtRisk?: number;
}

/** The chance to end late from which an order that is on time at the means counts as at risk. */
export const AT_RISK_LATE_CHANCE = 0.2;

/**
 * Whether an order of a Monte Carlo forecast is at risk: on time at the means, but late in at least
 * `AT_RISK_LATE_CHANCE` of the draws. Compared as a chance to be on time (k / draws), which is exact
 * where 1 − chance would not be (1 − 0.8 < 0.2).
 */
export function isAtRisk(order: Pick<OrderForecast, 'late' | 'onTimeProbability'>): boolean {
  return (
    !order.late && order.onTimeProbability !== undefined && order.onTimeProbability <= 1 - AT_RISK_LATE_CHANCE
  );
}

export interface Forecast {
  asOf: number;
  model: { name: string; parameters: Record<string, unknown> };
  simCoreVersion: string;
  orders: OrderForecast[];
  kpis: ForecastKpis;
  warnings: ForecastWarning[];
  /** Kernel events processed (forecast and plan runs, and every replication). */
  events: number;
  /**
   * Set when the forecast is a Monte Carlo one: how many draws of the future, from which seed (its
   * decimal digits when it exceeds a safe integer).
   */
  monteCarlo?: { replications: number; seed: number | string };
}
