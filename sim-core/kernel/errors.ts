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
