// Errors of the simulation kernel: one base class, a small tree under it.

/** Base class of every error the simulation kernel throws. */
export class SimError extends Error {
  override name = 'SimError';
}

/** Thrown into a process that another process interrupted; `cause` says why. */
export class Interrupt extends SimError {
  override name = 'Interrupt';
  constructor(readonly interruptCause: unknown) {
    super(`process interrupted${interruptCause === undefined ? '' : `: ${String(interruptCause)}`}`);
  }
}

/** An event was triggered twice, or a value was read before the event was triggered. */
export class EventStateError extends SimError {
  override name = 'EventStateError';
}

/** The schedule ran empty while `run({ until: event })` still waited for that event. */
export class EmptyScheduleError extends SimError {
  override name = 'EmptyScheduleError';
}

/** A model definition or a model's input is not valid; the message names what is wrong. */
export class ModelError extends SimError {
  override name = 'ModelError';
}

/** Which bound a simulation hit: kernel events of one run, wall time of a call, or draws kept. */
export type SimulationBound = 'events' | 'wall-time' | 'draws';

/**
 * A simulation reached one of its bounds before it ended (a model that never ends, or a run larger
 * than its limits allow); `bound`, `limit` and `reached` say which, and how far it got.
 */
export class SimulationLimitError extends SimError {
  override name = 'SimulationLimitError';
  constructor(
    message: string,
    readonly bound: SimulationBound,
    readonly limit: number,
    readonly reached: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
