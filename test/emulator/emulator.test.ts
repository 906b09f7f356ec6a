// The plant emulator: the demo scenario's events, the ground truth, scenarios' reproducibility and
// the pacing layer, without Kinesis (dry run).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../contracts/events.ts';
import { OrderEventSchema } from '../../contracts/events.ts';
import { parseDuration } from '../../emulator/duration.ts';
import { emulate } from '../../emulator/emulate.ts';
import { runPaced } from '../../emulator/pacing.ts';
import { PrintingPublisher } from '../../emulator/publisher.ts';
import { Environment } from '../../sim-core/index.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

async function dryRun(
  scenario: 'demo' | 'steady' | 'load',
  options: { seed?: number; duration?: number; truthFile?: string } = {},
) {
  const lines: string[] = [];
  await emulate({
    scenario,
    publisher: new PrintingPublisher((line) => lines.push(line)),
    speed: Number.POSITIVE_INFINITY,
    seed: options.seed ?? 1,
    duration: options.duration ?? 8 * 60 * MIN,
    rate: 100,
    start: T0,
    ...(options.truthFile && { truthFile: options.truthFile }),
  });
  return lines.map((l) => JSON.parse(l) as OrderEvent);
}

describe('plant emulator', () => {
  it("plays the seed article's flow in the demo scenario", async () => {
    const events = await dryRun('demo');

    const minutes = (iso: string) => Math.round(((Date.parse(iso) - T0) / MIN) * 100) / 100;
    expect(events.map((e) => [minutes(e.occurredAt), e.orderId, e.type])).toEqual([
      [0, 'order-1', 'OrderAccepted'],
      [0, 'order-1', 'MaterialOrdered'],
      [10, 'order-2', 'OrderAccepted'],
      [10, 'order-2', 'MaterialOrdered'],
      [10, 'order-1', 'MaterialArrived'],
      [10, 'order-1', 'ProductionStarted'],
      [15, 'order-3', 'OrderAccepted'],
      [15, 'order-3', 'MaterialOrdered'],
      [15, 'order-2', 'EtaUpdated'],
      [20, 'order-1', 'ProductionFinished'],
      [23.33, 'order-2', 'MaterialArrived'],
      [23.33, 'order-2', 'ProductionStarted'],
      [25, 'order-3', 'MaterialArrived'],
      [25, 'order-1', 'OrderDelivered'],
      [30, 'order-4', 'OrderAccepted'],
      [30, 'order-4', 'MaterialOrdered'],
      [33.33, 'order-2', 'ProductionFinished'],
      [33.33, 'order-3', 'ProductionStarted'],
      [38.33, 'order-2', 'OrderDelivered'],
      [40, 'order-4', 'MaterialArrived'],
      [43.33, 'order-3', 'ProductionFinished'],
      [43.33, 'order-4', 'ProductionStarted'],
      [48.33, 'order-3', 'OrderDelivered'],
      [53.33, 'order-4', 'ProductionFinished'],
      [58.33, 'order-4', 'OrderDelivered'],
    ]);
    const slip = events.find((e) => e.type === 'EtaUpdated') as OrderEvent & { eta: string };
    expect(minutes(slip.eta)).toBe(23.33);
    expect(events.every((e) => OrderEventSchema.safeParse(e).success)).toBe(true);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('writes a ground truth that agrees with the events', async () => {
    const truthFile = join(mkdtempSync(join(tmpdir(), 'twin-truth-')), 'truth.jsonl');
    const events = await dryRun('steady', { seed: 7, duration: 3 * 60 * MIN, truthFile });
    const truth = readFileSync(truthFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const at = (orderId: string, type: string) =>
      events.find((e) => e.orderId === orderId && e.type === type)?.occurredAt;

    expect(truth.length).toBeGreaterThan(20);
    for (const t of truth) {
      const [startType, endType] = {
        material: ['MaterialOrdered', 'MaterialArrived'],
        queue: ['MaterialArrived', 'ProductionStarted'],
        production: ['ProductionStarted', 'ProductionFinished'],
        delivery: ['ProductionFinished', 'OrderDelivered'],
      }[t.step as string]!;
      expect(t.start, `${t.orderId} ${t.step}`).toBe(at(t.orderId, startType!));
      expect(t.end, `${t.orderId} ${t.step}`).toBe(at(t.orderId, endType!));
    }
  });

  it('is reproducible by seed, and differs between seeds', async () => {
    const a = await dryRun('steady', { seed: 3, duration: 2 * 60 * MIN });
    const b = await dryRun('steady', { seed: 3, duration: 2 * 60 * MIN });
    const c = await dryRun('steady', { seed: 4, duration: 2 * 60 * MIN });

    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('has suppliers that slip, announce it late, or never, and production times that vary', async () => {
    const events = await dryRun('steady', { seed: 11, duration: 24 * 60 * MIN });
    const byOrder = new Map<string, OrderEvent[]>();
    for (const e of events) byOrder.set(e.orderId, [...(byOrder.get(e.orderId) ?? []), e]);
    let slipped = 0;
    let announced = 0;
    let lateAnnouncement = 0;
    const production = new Set<number>();
    for (const [, list] of byOrder) {
      const ordered = list.find((e) => e.type === 'MaterialOrdered') as
        | (OrderEvent & { eta: string })
        | undefined;
      const arrived = list.find((e) => e.type === 'MaterialArrived');
      const update = list.find((e) => e.type === 'EtaUpdated');
      const started = list.find((e) => e.type === 'ProductionStarted');
      const finished = list.find((e) => e.type === 'ProductionFinished');
      if (!ordered || !arrived) continue;
      if (Date.parse(arrived.occurredAt) > Date.parse(ordered.eta)) slipped++;
      if (update) announced++;
      if (update && Date.parse(update.occurredAt) > Date.parse(ordered.eta)) lateAnnouncement++;
      if (started && finished)
        production.add(Date.parse(finished.occurredAt) - Date.parse(started.occurredAt));
    }

    expect(slipped).toBeGreaterThan(announced);
    expect(announced).toBeGreaterThan(0);
    expect(lateAnnouncement).toBeGreaterThan(0);
    expect(production.size).toBeGreaterThan(10);
  });

  it('produces the load scenario’s events at the asked rate of plant time', async () => {
    const events = await dryRun('load', { duration: 10_000 });

    // 100 events per second at speed Infinity is 100 per second of plant time: about 1,000 in 10 s.
    expect(events.length).toBeGreaterThan(950);
    expect(events.length).toBeLessThan(1_100);
  });
});

describe('pacing', () => {
  it('waits for each instant until the wall clock reaches it, scaled by the speed', async () => {
    const env = new Environment(0);
    for (const t of [0, 60_000, 120_000, 120_000]) env.timeout(t);
    let wall = 0;
    const waits: number[] = [];
    const steps: number[] = [];

    await runPaced(env, {
      speed: 60,
      wallClock: () => wall,
      sleep: async (ms) => {
        waits.push(ms);
        wall += ms;
      },
      afterStep: (now) => void steps.push(now),
    });

    expect(waits).toEqual([1000, 1000]);
    expect(steps).toEqual([0, 60_000, 120_000]);
  });

  it('stops when aborted', async () => {
    const env = new Environment(0);
    env.timeout(1_000_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);

    await runPaced(env, { speed: 1, signal: controller.signal });

    expect(env.now).toBe(0);
  });
});

describe('durations', () => {
  it('reads 90s, 45m, 8h, 1h30m and plain minutes', () => {
    expect(['90s', '45m', '8h', '1h30m', '15'].map(parseDuration)).toEqual([
      90_000, 2_700_000, 28_800_000, 5_400_000, 900_000,
    ]);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('5x')).toBeUndefined();
  });
});
