// The pipeline's watch on a service it stands on: a failure is checked with one probe; while the
// service does not answer, every poller waits on one probe at a time, less and less often; a service
// that lost the twin's resources holds them until the pipeline stops.
import { describe, expect, it } from 'vitest';
import { type ServiceState, ServiceWatch, stateFromProbeError } from '../../local/pollers/ServiceWatch.ts';
import { waitFor } from '../support/wait.ts';

/** A probe that answers `states` in turn (the last one from then on), recording when it was asked. */
function probeOf(...states: ServiceState[]) {
  const asked: number[] = [];
  const started = Date.now();
  return {
    asked,
    probe: async () => {
      asked.push(Date.now() - started);
      await new Promise((r) => setTimeout(r, 1));
      return states[Math.min(asked.length - 1, states.length - 1)]!;
    },
  };
}

const settings = { firstWaitMs: 10, maxWaitMs: 40 };
/**
 * Waits far enough apart (50 against 200 ms) that a timer late by a busy machine (other test files
 * run beside this one) does not make the first look as long as the longest.
 */
const backoffSettings = { firstWaitMs: 50, maxWaitMs: 200 };

describe('service watch', () => {
  it('tells a failure of the call from an outage with one probe', async () => {
    const { probe, asked } = probeOf('up');
    const watch = new ServiceWatch('dynamodb', probe, { signal: new AbortController().signal, settings });

    expect(await watch.heldUp()).toBe(false);
    expect(asked).toHaveLength(1);
    expect(watch.status).toMatchObject({ state: 'up', outages: 0, probes: 1 });
  });

  it('holds every poller on one probe at a time, backing off, until the service answers again', async () => {
    const { probe, asked } = probeOf('unreachable', 'unreachable', 'unreachable', 'unreachable', 'up');
    const changes: string[] = [];
    const watch = new ServiceWatch('dynamodb', probe, {
      signal: new AbortController().signal,
      settings: backoffSettings,
      onChange: (status, previous) => changes.push(`${previous.state} → ${status.state}`),
    });

    const held = await Promise.all([watch.heldUp(), watch.heldUp(), watch.heldUp()]);

    expect(held).toEqual([true, true, true]);
    // Three pollers, five probes: the first, then after waits of 50, 100, 200 and 200 ms.
    expect(asked).toHaveLength(5);
    // A timer fires late, never early (but for a millisecond's rounding): each gap is at least its wait.
    const gaps = asked.slice(1).map((t, i) => t - asked[i]!);
    for (const [i, wait] of [50, 100, 200, 200].entries()) expect(gaps[i]!).toBeGreaterThanOrEqual(wait - 2);
    expect(gaps[0]!).toBeLessThan(gaps[2]!);
    expect(changes).toEqual(['up → unreachable', 'unreachable → up']);
    expect(watch.status).toMatchObject({ state: 'up', outages: 1, probes: 5 });
  });

  it('is down at once when told, before any call fails, and finds the service back by itself', async () => {
    const { probe } = probeOf('unreachable', 'up');
    const watch = new ServiceWatch('kinesis', probe, { signal: new AbortController().signal, settings });

    watch.down();
    expect(watch.status.state).toBe('unreachable');
    expect(await watch.heldUp()).toBe(true);
    expect(watch.status.state).toBe('up');
  });

  it('holds the pipeline for good once the twin’s resources are gone, until it stops', async () => {
    const { probe, asked } = probeOf('unreachable', 'gone');
    const stop = new AbortController();
    const watch = new ServiceWatch('dynamodb', probe, { signal: stop.signal, settings });

    const held = watch.heldUp();
    await waitFor('the service gone', () => watch.status.state === 'gone', 5_000, 5);
    // Nothing more is probed (longer than twice the longest wait): nothing would change.
    await new Promise((r) => setTimeout(r, 3 * settings.maxWaitMs));
    expect(asked).toHaveLength(2);
    stop.abort();
    expect(await held).toBe(true);
  });

  it('reads a probe’s error: no answer or a server error is unreachable, a missing resource is gone', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const answered = (name: string, httpStatusCode: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

    expect(stateFromProbeError(refused)).toBe('unreachable');
    expect(stateFromProbeError(answered('InternalServerError', 500))).toBe('unreachable');
    expect(stateFromProbeError(answered('ResourceNotFoundException', 400))).toBe('gone');
    expect(stateFromProbeError(answered('ThrottlingException', 400))).toBe('up');
  });
});
