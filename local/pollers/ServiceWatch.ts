// Whether a service the pipeline stands on answers, found out after a failure. A poller whose call
// failed asks; while the service does not answer, every poller waits on one probe at a time, sent
// less and less often, instead of retrying into it (no record is blamed for an outage), and carries
// on once the service answers again. A service that answers but no longer has the twin's table or
// stream (an emulator restarted without its data) holds the pipeline for good: nothing more can be
// applied where the state was.
import { setTimeout as delay } from 'node:timers/promises';

/** How a service is: it answers; it does not answer; it answers that the twin's resources are gone. */
export type ServiceState = 'up' | 'unreachable' | 'gone';

export interface ServiceStatus {
  state: ServiceState;
  /** When it went into this state (epoch ms). */
  since: number;
  /** Outages so far (times it went from up to unreachable or gone). */
  outages: number;
  /** Probes sent so far. */
  probes: number;
}

export interface ServiceWatchSettings {
  /** The wait before the first probe of an outage; it doubles with every probe after that (ms). */
  firstWaitMs: number;
  /** The longest wait between two probes (ms). */
  maxWaitMs: number;
}

export const DEFAULT_WATCH_SETTINGS: ServiceWatchSettings = { firstWaitMs: 250, maxWaitMs: 5_000 };

/** An error as the SDK hands it over: an answer carries its HTTP status in `$metadata`. */
interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * How the service is, from a probe call's error: no HTTP answer, or a 5xx, is unreachable; an
 * answer that the resource does not exist is gone; any other answer is up (it answered).
 */
export function stateFromProbeError(error: unknown): ServiceState {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500) return 'unreachable';
  return e.name === 'ResourceNotFoundException' ? 'gone' : 'up';
}

/** Watches one service; see the file's comment. */
export class ServiceWatch {
  private current: ServiceStatus;
  /** A probe sent while the service was thought up, shared by every poller that asks meanwhile. */
  private checking: Promise<ServiceState> | undefined;
  /** While the service is down: resolves once it answers again. */
  private back: Promise<void> | undefined;

  constructor(
    readonly name: string,
    /** One cheap call to the service; resolves with what it found, never rejects. */
    private readonly probe: () => Promise<ServiceState>,
    private readonly options: {
      /** Ends every wait (the pipeline stops). */
      signal: AbortSignal;
      settings?: ServiceWatchSettings;
      /** Hears of every change of state. */
      onChange?: (status: ServiceStatus, previous: ServiceStatus) => void;
    },
  ) {
    this.current = { state: 'up', since: Date.now(), outages: 0, probes: 0 };
  }

  get status(): ServiceStatus {
    return { ...this.current };
  }

  /**
   * After a call to the service failed: false at once if the service answers (the failure was the
   * call's own); else true once it answers again, or once the pipeline stops.
   */
  async heldUp(): Promise<boolean> {
    if (this.back === undefined) {
      this.checking ??= this.probeOnce().finally(() => {
        this.checking = undefined;
      });
      const state = await this.checking;
      if (state === 'up' && this.back === undefined) return false;
      this.back ??= this.untilBack(state);
    }
    const { signal } = this.options;
    let onAbort = () => {};
    const stopped = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      if (!signal.aborted) await Promise.race([this.back, stopped]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return true;
  }

  /**
   * Tells the watch that the service is down (the twin saw its emulator's process exit): it is
   * unreachable from now, and probed until it answers, whether or not a call has failed yet.
   */
  down(): void {
    if (this.back === undefined && this.current.state === 'up') this.back = this.untilBack('unreachable');
  }

  private async probeOnce(): Promise<ServiceState> {
    this.current.probes++;
    return this.probe();
  }

  private change(state: ServiceState): void {
    const previous = this.current;
    this.current = {
      ...previous,
      state,
      since: Date.now(),
      outages: previous.outages + (previous.state === 'up' ? 1 : 0),
    };
    this.options.onChange?.(this.status, previous);
  }

  /** Probes with backoff until the service answers; never resolves once its resources are gone. */
  private async untilBack(found: ServiceState): Promise<void> {
    const { signal } = this.options;
    const { firstWaitMs, maxWaitMs } = this.options.settings ?? DEFAULT_WATCH_SETTINGS;
    let state = found;
    this.change(state);
    for (let n = 0; state === 'unreachable' && !signal.aborted; n++) {
      await delay(Math.min(maxWaitMs, firstWaitMs * 2 ** n), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      state = await this.probeOnce();
      if (state !== 'unreachable') this.change(state);
    }
    // Gone: nothing the pipeline could do would be right; it waits until stopped.
    if (state === 'gone') return new Promise<void>(() => {});
    this.back = undefined;
  }
}
