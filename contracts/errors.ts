// Errors about input that does not meet a contract: they name what is wrong, never a stack trace.

/** Base class of the contracts' validation errors. */
export class ContractError extends Error {
  override name = 'ContractError';
}

/** A snapshot (`{ asOf, orders }`) that is not valid; `orderId`, `index` and `field` say where. */
export class SnapshotError extends ContractError {
  override name = 'SnapshotError';
  constructor(
    message: string,
    readonly where: { index?: number; orderId?: string; field?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
