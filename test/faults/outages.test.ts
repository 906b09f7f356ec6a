// DynamoDB Local and kinesalite killed with SIGKILL in the middle of a run on a data directory: the
// twin starts each again on its port with its data, says on its status line that the service does
// not answer, waits with backoff (no busy loop), and carries on where it stopped: nothing lost,
// nothing applied twice. In memory, it says that the state is gone and what to do.
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { failuresOf, faultsBench, STEADY_SPEED, until } from '../../bench/faultsBench.ts';
import { statusLine } from '../../cli/commands/start.ts';
import { startTwin } from '../../local/runtime.ts';

describe('storage outages', () => {
  it('carries on where it stopped once a killed emulator is back on its data, with nothing lost', async () => {
    const lines: string[] = [];
    const result = await faultsBench({ faultSeconds: 0, outages: true, log: (line) => lines.push(line) });

    const [dynamodb, kinesis] = result.outages;
    expect(dynamodb!.statusLine).toMatch(/ · DynamoDB unreachable for \d+ s, retrying$/);
    expect(kinesis!.statusLine).toMatch(/ · Kinesis unreachable for \d+ s, retrying$/);
    for (const outage of result.outages) {
      // Against a closed port a loop without backoff sends thousands of requests a second.
      expect(outage.requestsPerSecond, outage.emulator).toBeLessThan(100);
      expect(outage.recoveredMs, outage.emulator).toBeLessThan(30_000);
    }
    for (const title of ['DynamoDB Local', 'kinesalite']) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${title} exited on SIGKILL: starting it again on port \\d+ in .*, with its data$`),
        ),
      );
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${title} at \\S+ does not answer: `)));
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${title} answers again after .*: the pipeline carries on where it stopped$`),
        ),
      );
    }
    expect(result.state.events).toBe(result.eventsPublished);
    expect(result.state.differing).toEqual([]);
    expect(result.state).toMatchObject({ ordersDiffering: 0, eventsLost: 0, duplicatesApplied: 0 });
    expect(result.failures).toBe(0);
  }, 180_000);

  it('says that the state is gone, and what to do, when an emulator restarts without a data directory', async () => {
    const lines: string[] = [];
    const twin = await startTwin({
      port: 0,
      scenario: 'steady',
      speed: STEADY_SPEED,
      duration: 1_000 * 3_600_000,
      log: (line) => lines.push(line),
    });
    try {
      await until('events in', () => twin.status().eventsIn > 100, 60_000);
      const kill = (name: string) =>
        process.kill(twin.emulators().find((e) => e.name === name)!.pid, 'SIGKILL');

      kill('dynamodb-local');
      await until('the state reported gone', () => twin.status().services.dynamodb.state === 'gone', 60_000);
      expect(lines).toContainEqual(
        'DynamoDB Local restarted without a data directory: the order state is gone (table order-state); ' +
          'stop the twin and start it again (use --data-dir to keep state across restarts)',
      );
      expect(statusLine(twin.status())).toMatch(/ · DynamoDB lost the twin's order state: restart the twin$/);
      // The events that keep coming are not sent to the failure destination for it: they wait.
      await delay(2_000);
      expect(twin.status().failures).toBe(0);
      expect(await failuresOf(twin)).toEqual([]);

      kill('kinesalite');
      await until('the stream reported gone', () => twin.status().services.kinesis.state === 'gone', 30_000);
      expect(lines).toContainEqual(
        'kinesalite restarted without a data directory: the event stream order-events is gone, with the events ' +
          'not yet read from it; stop the twin and start it again (use --data-dir to keep state across restarts)',
      );
    } finally {
      // It never crashed, and stops promptly while held.
      const stopping = Date.now();
      await twin.stop();
      expect(Date.now() - stopping).toBeLessThan(15_000);
    }
  }, 120_000);
});
