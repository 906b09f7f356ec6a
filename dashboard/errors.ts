// Errors of the dashboard: a small tree under DashboardError, each carrying what a caller needs.

/** Base class of every dashboard failure. */
export class DashboardError extends Error {
  override name = 'DashboardError';
}

/** The local server cannot listen: something else uses the port. */
export class PortInUseError extends DashboardError {
  override name = 'PortInUseError';
  readonly port: number;
  constructor(port: number, options?: { cause?: unknown }) {
    super(`port ${port} is in use`, options);
    this.port = port;
  }
}

/** esbuild could not build the page. */
export class PageBuildError extends DashboardError {
  override name = 'PageBuildError';
}

/** The forecasts table does not exist (wrong name or endpoint). */
export class ForecastTableMissingError extends DashboardError {
  override name = 'ForecastTableMissingError';
  readonly tableName: string;
  constructor(tableName: string, options?: { cause?: unknown }) {
    super(`the forecasts table "${tableName}" does not exist`, options);
    this.tableName = tableName;
  }
}

/** The forecast store did not answer, or throttled: worth retrying later. */
export class ForecastUnavailableError extends DashboardError {
  override name = 'ForecastUnavailableError';
}

/** A what-if or recommend request the twin cannot run as asked: the message says what is wrong (400). */
export class WhatIfInputError extends DashboardError {
  override name = 'WhatIfInputError';
}

/** A what-if that would take more than the dashboard allows (events or wall time): ask for less (422). */
export class WhatIfLimitError extends DashboardError {
  override name = 'WhatIfLimitError';
}

/** The order-state table did not answer, or throttled: worth retrying later (503). */
export class StateUnavailableError extends DashboardError {
  override name = 'StateUnavailableError';
}

/** The order-state table does not exist (wrong name or endpoint). */
export class StateTableMissingError extends DashboardError {
  override name = 'StateTableMissingError';
  readonly tableName: string;
  constructor(tableName: string, options?: { cause?: unknown }) {
    super(`the order-state table "${tableName}" does not exist`, options);
    this.tableName = tableName;
  }
}
