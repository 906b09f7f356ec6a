// Where the lateness alerts' state is kept: each order's outlook as the latest forecast that raised
// alerts saw it, with that forecast's asOf and a version. Small (only orders late or at risk), read
// once per saved forecast, and advanced conditionally, so that a stale or racing forecast cannot
// advance it twice from the same version.
import type { Outlooks } from './latenessAlerts.ts';

export interface AlertState {
  /** The asOf of the forecast that left it. */
  asOf: number;
  /** Advanced by one on every write: the condition of the next. */
  version: number;
  outlooks: Outlooks;
}

export interface AlertStateStore {
  /** The state, if any was written. */
  read(): Promise<AlertState | undefined>;
  /**
   * Writes `next` if the stored state is still at version `basis` (undefined: none stored yet);
   * false, writing nothing, when another forecast advanced it first.
   */
  advance(next: AlertState, basis: number | undefined): Promise<boolean>;
}

/** Keeps the state in memory (tests). */
export class InMemoryAlertStateStore implements AlertStateStore {
  private state: AlertState | undefined;

  async read(): Promise<AlertState | undefined> {
    return this.state && structuredClone(this.state);
  }

  async advance(next: AlertState, basis: number | undefined): Promise<boolean> {
    if (this.state?.version !== basis) return false;
    this.state = structuredClone(next);
    return true;
  }
}
