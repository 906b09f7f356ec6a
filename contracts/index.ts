// Shared contracts: every folder imports event, state, snapshot and forecast shapes from here.

export type {
  Alert,
  AlertSink,
  CalibrationAlert,
  DriftAlert,
  LatenessAlert,
  LatenessChange,
} from './alerts.ts';
export { InMemoryAlertSink } from './alerts.ts';
export { ContractError, SnapshotError } from './errors.ts';
export type { ForecastRecommendation, ForecastRecord, RecommendationGain } from './forecastRecord.ts';
export { ForecastKeys } from './forecastRecord.ts';
export type { OrderState, OrderStateItem, OrderStatus, StepState } from './orderState.ts';
export {
  missingForStatus,
  ORDER_STATE_FIELDS,
  OrderStateItemSchema,
  orderStatusOf,
  stepOf,
} from './orderState.ts';
export {
  FailureQueue,
  ForecastsTable,
  OrderEventsStream,
  OrderStateTable,
  resourceNames,
} from './resources.ts';
export { parseSnapshot } from './snapshot.ts';
