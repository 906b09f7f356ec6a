// The embedded twin under load while DynamoDB throttles and times out writes and stream reads are
// throttled, the faults injected through the SDK's middleware on the twin's own clients (no fault
// mode in the product): nothing is lost, nothing applied twice, the state is the fold of the same
// events without faults, forecasts catch up within seconds, and only real poison is a failure.
// `twin bench faults` runs the same for 5 minutes at the issue's rates.
import { describe, expect, it } from 'vitest';
import { ISSUE_FAULTS } from '../../bench/faultInjection.ts';
import { faultsBench } from '../../bench/faultsBench.ts';

describe('faults under load', () => {
  it('loses nothing and applies nothing twice while DynamoDB throttles and times out and reads are throttled', async () => {
    const lines: string[] = [];
    // Timeouts after the write (the hardest case) at 5 % rather than 1 %, so that a 30 s run meets
    // them dozens of times.
    const result = await faultsBench({
      faultSeconds: 30,
      rates: { ...ISSUE_FAULTS, writeTimedOutAfterWrite: 0.05 },
      outages: false,
      log: (line) => lines.push(line),
    });

    // Every fault, many times, at about 100 events/s.
    expect(result.eventsPerSecond).toBeGreaterThan(70);
    expect(result.injected.writeThrottled).toBeGreaterThan(30);
    expect(result.injected.writeTimedOutAfterWrite).toBeGreaterThan(10);
    expect(result.injected.kinesisReadThrottled).toBeGreaterThan(10);
    expect(result.injected.streamReadThrottled).toBeGreaterThan(5);
    // The SDK's own retries took most of them (a fault on a call's last attempt goes to the poller).
    expect(result.sdkRetries.dynamodb).toBeGreaterThan(result.injected.writeThrottled / 2);
    expect(result.sdkRetries.kinesis).toBeGreaterThan(0);
    expect(result.sdkRetries.dynamodbStreams).toBeGreaterThan(0);
    // Every event published is in the stream and reflected exactly once: the state is the fold's.
    expect(result.state.events).toBe(result.eventsPublished);
    expect(result.state.differing).toEqual([]);
    expect(result.state).toMatchObject({ ordersDiffering: 0, eventsLost: 0, duplicatesApplied: 0 });
    // Forecasts reflect what was published under the faults within seconds of their end.
    expect(result.forecastsCurrentMs).toBeLessThan(15_000);
    // The failure destination holds the poison published on purpose, and nothing else.
    expect(result.poisonPublished).toBe(3);
    expect(result.failures).toBe(3);
    expect(result.poisonFailures).toBe(3);
    // Throttling is no outage: the twin never reported a service down.
    expect(lines.filter((line) => /does not answer|gone/.test(line))).toEqual([]);
  }, 180_000);
});
