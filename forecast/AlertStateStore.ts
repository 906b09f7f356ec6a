// Where the lateness alerts' state is kept: each order's outlook as the latest forecast that raised
// alerts saw it, with that forecast's asOf and a version. Small (only orders late or at risk), read
// once per saved forecast, and advanced conditionally, so that a stale or racing forecast cannot
// advance it twice from the same version.
import { DEFAULT_PLANT } from '../contracts/plants.ts';
import type { Outlooks } from './latenessAlerts.ts';

export interface AlertState {
  /** The asOf of the forecast that left it. */
  asOf: number;
  /** Advanced by one on every write: the condition of the next. */
  version: number;
  outlooks: Outlooks;
}

/** Each plant has its state (`plantId`; default: the default plant). */
export interface AlertStateStore {
  /** The state, if any was written. */
  read(plantId?: string): Promise<AlertState | undefined>;
  /**
   * Writes `next` if the stored state is still at version `basis` (undefined: none stored yet);
   * false, writing nothing, when another forecast advanced it first.
   */
  advance(next: AlertState, basis: number | undefined, plantId?: string): Promise<boolean>;
}

/** Keeps the state in memory (tests). */
export class InMemoryAlertStateStore implements AlertStateStore {
  private readonly states = new Map<string, AlertState>();

  async read(plantId = DEFAULT_PLANT): Promise<AlertState | undefined> {
    const state = this.states.get(plantId);
    return state && structuredClone(state);
  }

  async advance(next: AlertState, basis: number | undefined, plantId = DEFAULT_PLANT): Promise<boolean> {
    if (this.states.get(plantId)?.version !== basis) return false;
    this.states.set(plantId, structuredClone(next));
    return true;
  }
}
