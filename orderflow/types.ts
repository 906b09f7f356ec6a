// The order-flow model's inputs and outputs: order state, the WIP snapshot, and the forecast.

import type { OrderState, OrderStatus } from '../contracts/orderState.ts';

// The order state is the contracts' (contracts/orderState.ts): the order domain reads it. Types
// only here: the dashboard's page bundles this file, and the contracts' schemas need zod.
export type {
  OrderNumberField,
  OrderState,
  OrderStateField,
  OrderStatus,
  OrderTimeField,
  StepState,
} from '../contracts/orderState.ts';

/** The work in process at `asOf`: the input of a forecast. */
export interface Snapshot {
  asOf: number;
  orders: readonly OrderState[];
  /** What the plant last said of its stations' (or units') state: absent, every unit is up. */
  stations?: readonly StationState[];
  /** Maintenance planned and not cancelled (past windows may be left out). */
  maintenance?: readonly PlannedMaintenance[];
}

/**
 * A station's state, or one unit's, as its latest `StationDown` / `StationUp` event left it. A unit
 * is numbered 1 to the station's capacity; without `unit`, the state is every unit's.
 */
export interface StationState {
  station: string;
  unit?: number;
  /** Whether it is down (after a `StationDown`) or up (after a `StationUp`). */
  down: boolean;
  /** When the latest of those events happened (epoch ms): down since, or up since. */
  since: number;
  /** When it is expected back up, if a down event said (epoch ms). */
  expectedUpAt?: number;
}

/** A planned maintenance window of a station, or of one unit: out of work from `from` to `to` (epoch ms). */
export interface PlannedMaintenance {
  maintenanceId: string;
  station: string;
  unit?: number;
  from: number;
  to: number;
}

/** What a span of an order's forecast is: a material wait, a wait in a station's queue, an operation. */
export type StepKind = 'material' | 'queue' | 'operation';

/**
 * One part of an order's way through its routing. `actual` if it lies before the forecast's `asOf`
 * (it happened), else forecast: a span that crosses asOf is split in two.
 */
export interface StepSpan {
  /** The routing step; for a queue, the operation it waits for. */
  step: string;
  /** Operations and queues: the station. */
  station?: string;
  kind: StepKind;
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
  downtime: 'downtime',
} as const;
export type DelayCause = (typeof DelayCause)[keyof typeof DelayCause];

/** Where an order stands at the forecast's asOf. */
export type Position =
  | { kind: 'not-started' }
  | { kind: 'material' }
  | { kind: 'queue'; step: string; station: string }
  | { kind: 'operation'; step: string; station: string }
  | { kind: 'completed' };

/** The forecast of one active order. */
export interface OrderForecast {
  orderId: string;
  product: string;
  /** As in the snapshot: a hint for people; the forecast places an order by its times. */
  status?: OrderStatus;
  acceptedAt?: number;
  initialEta?: number;
  eta?: number;
  dueAt?: number;
  position: Position;
  /** End of its last routing step (forecast or actual). */
  completedAt: number;
  /** When it would complete had nothing slipped: every ETA as first announced, nominal durations. */
  plannedCompletedAt: number;
  /** completedAt − plannedCompletedAt. */
  delayMs: number;
  /** completedAt − dueAt: positive when late, negative when early. */
  latenessMs?: number;
  late: boolean;
  delayCause: DelayCause;
  /**
   * Knock-on: the station where it waits longer than planned; overrun: the overrunning operation's
   * station; downtime: the first station whose unit down held it up.
   */
  delayStation?: string;
  /** In routing order; a queue span before its operation. */
  steps: StepSpan[];
  /** Monte Carlo forecasts only: percentiles of completedAt over the replications. */
  completedAtP10?: number;
  completedAtP50?: number;
  completedAtP90?: number;
  /** Monte Carlo forecasts of an order with a due date only: the share of replications in which it completes by then. */
  onTimeProbability?: number;
}

/** Something in the snapshot that the forecast had to assume around; never a crash. */
export interface ForecastWarning {
  orderId?: string;
  /** The step it concerns, when one does. */
  step?: string;
  /**
   * `contradictory-time`: a time that goes backwards within an order, or lies after asOf;
   * `missing-time`: a later step has times while an earlier one has none; `unknown-step`: a step the
   * order's routing does not have; `unknown-product`: a product the model does not have;
   * `station-down`: what a unit down now is assumed to do; `unknown-station`: a station (or unit) of
   * a station's state or maintenance that the model does not have; `interruption`: an operation
   * longer than its shift, or started over so often that the rest of it runs as `resume`.
   */
  kind:
    | 'overdue-material'
    | 'overrun'
    | 'over-capacity'
    | 'missing-time'
    | 'contradictory-time'
    | 'unknown-step'
    | 'unknown-product'
    | 'station-down'
    | 'unknown-station'
    | 'interruption';
  message: string;
}

/** A station over the forecast horizon [asOf, last completedAt]. */
export interface StationForecast {
  station: string;
  name: string;
  capacity: number;
  /** Busy unit-time over capacity × horizon; 0 when nothing is left to do. */
  utilisation: number;
  /** The most orders waiting in its queue at once. */
  maxQueue: number;
  /** Its units' time out of work within the forecast, by start (absent when none). */
  outages?: StationOutage[];
}

/** Why a unit is out of work: down (a failure), planned maintenance, or outside its shifts. */
export type OutageKind = 'down' | 'maintenance' | 'off-shift';

/** A unit of a station (every unit, without `unit`) out of work from `from` to `to` (epoch ms). */
export interface StationOutage {
  unit?: number;
  from: number;
  to: number;
  kind: OutageKind;
}

/** Plant KPIs over the forecast horizon [asOf, last completedAt]. */
export interface ForecastKpis {
  activeOrders: number;
  /** Time from asOf until the last active order completes. */
  makespanMs: number;
  ordersLate: number;
  /** Mean lateness of the late orders (0 when none is late). */
  meanLatenessMs: number;
  ordersDelayed: number;
  /**
   * Monte Carlo forecasts only: orders that complete by their due date at the means (not late) but
   * do not in at least `AT_RISK_LATE_CHANCE` of the draws.
   */
  ordersAtRisk?: number;
}

/** What a forecast says of its model: enough to draw any model (stations, routings) and to name it. */
export interface ModelSummary {
  name: string;
  /** sha-256 (hex, first 16 digits) of the model file's canonical JSON. */
  hash: string;
  /** The model's parameters, after the run's overrides. */
  parameters: Record<string, unknown>;
  /**
   * The parameters that are times in `timeUnit` (a duration, a lead time, a time between failures,
   * the ETA slip), in the order of `parameters`. Absent from forecasts made before it was kept.
   */
  timeParameters?: string[];
  timeUnit: string;
  stations: { id: string; name: string; capacity: number; queueRule: string }[];
  products: { id: string; routing: { step: string; kind: 'material' | 'operation'; station?: string }[] }[];
  defaultProduct: string;
}

export interface Forecast {
  asOf: number;
  model: ModelSummary;
  simCoreVersion: string;
  orders: OrderForecast[];
  stations: StationForecast[];
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
