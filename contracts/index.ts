// Shared contracts: every folder imports event, state, snapshot and forecast shapes from here.
export { ContractError, SnapshotError } from './errors.ts';
export type { ForecastRecord } from './forecastRecord.ts';
export { ForecastKeys } from './forecastRecord.ts';
export type { OrderStateItem } from './orderState.ts';
export { ORDER_STATE_FIELDS, OrderStateItemSchema, REQUIRED_FOR_STATUS } from './orderState.ts';
export {
  FailureQueue,
  ForecastsTable,
  OrderEventsStream,
  OrderStateTable,
  resourceNames,
} from './resources.ts';
export { parseSnapshot } from './snapshot.ts';
