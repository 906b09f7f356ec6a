// Errors of the order state store, mapped from the AWS SDK inside the adapter that calls AWS.

/** Base class of the state store's errors; carries the order and event at issue. */
export class StateStoreError extends Error {
  override name = 'StateStoreError';
  constructor(
    message: string,
    readonly context: { orderId?: string; eventId?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Throttling, a timeout, a service hiccup: the same write may succeed if retried. */
export class TransientStoreError extends StateStoreError {
  override name = 'TransientStoreError';
}
