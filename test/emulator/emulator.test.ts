// The plant emulator: the demo scenario's events, any model's plant (the flow shop's and the job
// shop's steps, products and stations), the ground truth, the agreement with the order domain's plant
// run, scenarios' reproducibility and the pacing layer, without Kinesis (dry run).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../contracts/events.ts';
import { EventSchema, OrderEventSchema } from '../../contracts/events.ts';
import { parseDuration } from '../../emulator/duration.ts';
import { emulate } from '../../emulator/emulate.ts';
import { runPaced } from '../../emulator/pacing.ts';
import { type EmulatedOrder, IdRanks, startPlant, type TruthRecord } from '../../emulator/plant.ts';
import { PrintingPublisher } from '../../emulator/publisher.ts';
import {
  checkScenario,
  defaultScenario,
  ScenarioError,
  type ScenarioName,
  scenario,
  scenariosFor,
} from '../../emulator/scenarios.ts';
import {
  orderFlowModel,
  type PlantModel,
  type PlantOrder,
  parsePlantModel,
  plantEvents,
  resolveModel,
  runPlant,
} from '../../orderflow/index.ts';
import { Environment } from '../../sim-core/index.ts';
import { twin } from '../support/cli.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

const modelFile = (path: string) => parsePlantModel(JSON.parse(readFileSync(path, 'utf8')));
const flowShop = modelFile('examples/models/flow-shop.json');
const jobShop = modelFile('examples/models/job-shop.json');
const uncertain = modelFile('examples/order-flow-uncertain.json');

type Event = OrderEvent & { step?: string; station?: string; eta?: string; product?: string };

async function dryRun(
  scenario: ScenarioName,
  options: { model?: PlantModel; seed?: number; duration?: number; truthFile?: string } = {},
) {
  const lines: string[] = [];
  await emulate({
    ...(options.model && { model: options.model }),
    scenario,
    publisher: new PrintingPublisher((line) => lines.push(line)),
    speed: Number.POSITIVE_INFINITY,
    seed: options.seed ?? 1,
    duration: options.duration ?? 8 * 60 * MIN,
    rate: 100,
    start: T0,
    ...(options.truthFile && { truthFile: options.truthFile }),
  });
  return lines.map((l) => JSON.parse(l) as Event);
}

function byOrder(events: readonly Event[]): Map<string, Event[]> {
  const orders = new Map<string, Event[]>();
  for (const e of events) orders.set(e.orderId, [...(orders.get(e.orderId) ?? []), e]);
  return orders;
}

const readTruth = (file: string): TruthRecord[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('plant emulator', () => {
  it("plays the seed article's flow in the demo scenario, with step events of the demo plant", async () => {
    const events = await dryRun('demo');

    const minutes = (iso: string) => Math.round(((Date.parse(iso) - T0) / MIN) * 100) / 100;
    expect(events.map((e) => [minutes(e.occurredAt), e.orderId, e.type, e.step ?? ''])).toEqual([
      [0, 'order-1', 'OrderAccepted', ''],
      [0, 'order-1', 'MaterialOrdered', ''],
      [10, 'order-1', 'MaterialArrived', ''],
      [10, 'order-2', 'OrderAccepted', ''],
      [10, 'order-2', 'MaterialOrdered', ''],
      [10, 'order-1', 'StepStarted', 'production'],
      [15, 'order-2', 'EtaUpdated', ''],
      [15, 'order-3', 'OrderAccepted', ''],
      [15, 'order-3', 'MaterialOrdered', ''],
      [20, 'order-1', 'StepFinished', 'production'],
      [23.33, 'order-2', 'MaterialArrived', ''],
      [23.33, 'order-2', 'StepStarted', 'production'],
      [25, 'order-3', 'MaterialArrived', ''],
      [25, 'order-1', 'OrderDelivered', ''],
      [30, 'order-4', 'OrderAccepted', ''],
      [30, 'order-4', 'MaterialOrdered', ''],
      [33.33, 'order-2', 'StepFinished', 'production'],
      [33.33, 'order-3', 'StepStarted', 'production'],
      [38.33, 'order-2', 'OrderDelivered', ''],
      [40, 'order-4', 'MaterialArrived', ''],
      [43.33, 'order-3', 'StepFinished', 'production'],
      [43.33, 'order-4', 'StepStarted', 'production'],
      [48.33, 'order-3', 'OrderDelivered', ''],
      [53.33, 'order-4', 'StepFinished', 'production'],
      [58.33, 'order-4', 'OrderDelivered', ''],
    ]);
    const slip = events.find((e) => e.type === 'EtaUpdated')!;
    expect(minutes(slip.eta!)).toBe(23.33);
    expect(events.filter((e) => e.type === 'StepStarted').every((e) => e.station === 'line')).toBe(true);
    // One product: the events name none.
    expect(events.filter((e) => e.type === 'OrderAccepted').every((e) => e.product === undefined)).toBe(true);
    expect(events.every((e) => OrderEventSchema.safeParse(e).success)).toBe(true);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('runs the flow shop: every frame cut on the saw, welded on one of two welders, painted in the booth', async () => {
    const events = await dryRun('steady', { model: flowShop, seed: 2, duration: 6 * 60 * MIN });
    const orders = byOrder(events);

    expect(orders.size).toBeGreaterThan(20);
    for (const [orderId, list] of orders) {
      const steps = list.filter((e) => e.type === 'StepStarted').map((e) => `${e.step}@${e.station}`);
      const types = list.map((e) => e.type);
      // Every order the plant has finished went through the whole routing, in order.
      if (types.includes('OrderDelivered')) {
        expect(steps, orderId).toEqual(['cut@saw', 'weld@welder', 'paint@booth']);
        expect(types.slice(0, 2), orderId).toEqual(['OrderAccepted', 'MaterialOrdered']);
        expect(types.at(-1)).toBe('OrderDelivered');
      }
    }
    // The welder's two units work at once now and then; the saw and the booth never do.
    const truth = await truthOf('steady', flowShop, 2, 6 * 60 * MIN);
    expect(mostAtOnce(truth, 'welder')).toBe(2);
    expect(mostAtOnce(truth, 'saw')).toBe(1);
    expect(mostAtOnce(truth, 'booth')).toBe(1);
    expect(events.every((e) => OrderEventSchema.safeParse(e).success)).toBe(true);
  });

  it("runs the job shop's two products, alike in number, each through its own routing", async () => {
    const events = await dryRun('steady', { model: jobShop, seed: 3, duration: 48 * 60 * MIN });
    const routings = Object.fromEntries(
      jobShop.products.map((p) => [p.id, p.routing.filter((s) => s.kind === 'operation').map((s) => s.step)]),
    );
    const counts: Record<string, number> = {};

    for (const [orderId, list] of byOrder(events)) {
      const product = list.find((e) => e.type === 'OrderAccepted')!.product!;
      counts[product] = (counts[product] ?? 0) + 1;
      const steps = list.filter((e) => e.type === 'StepStarted').map((e) => e.step);
      expect(steps, orderId).toEqual(routings[product]!.slice(0, steps.length));
    }

    expect(Object.keys(counts).sort()).toEqual(['bracket', 'housing']);
    const total = counts.bracket! + counts.housing!;
    expect(total).toBeGreaterThan(150);
    expect(counts.bracket! / total).toBeGreaterThan(0.4);
    expect(counts.bracket! / total).toBeLessThan(0.6);
  });

  it.each([
    ['the demo plant', orderFlowModel],
    ['the flow shop', flowShop],
    ['the job shop', jobShop],
  ])('writes a ground truth that agrees with the events, on %s', async (_, model) => {
    const truthFile = join(mkdtempSync(join(tmpdir(), 'twin-truth-')), 'truth.jsonl');
    const events = await dryRun('steady', { model, seed: 7, duration: 3 * 60 * MIN, truthFile });
    const truth = readTruth(truthFile);
    const routing = (product: string) => model.products.find((p) => p.id === product)!.routing;
    const orders = byOrder(events);
    // When the step before routing step i ended: the previous step's end, or the acceptance.
    const endEvent = (list: Event[], step: { step: string; kind: string }) =>
      step.kind === 'material'
        ? list.find((e) => e.type === 'MaterialArrived')
        : list.find((e) => e.type === 'StepFinished' && e.step === step.step);

    expect(truth.length).toBeGreaterThan(20);
    for (const t of truth) {
      const list = orders.get(t.orderId)!;
      const steps = routing(t.product);
      const i = steps.findIndex((s) => s.step === t.step);
      const at = (e: Event | undefined) => e?.occurredAt;
      const [start, end] = {
        material: () => [
          list.find((e) => e.type === 'MaterialOrdered'),
          list.find((e) => e.type === 'MaterialArrived'),
        ],
        queue: () => [
          i === 0 ? list[0] : endEvent(list, steps[i - 1]!),
          list.find((e) => e.type === 'StepStarted' && e.step === t.step),
        ],
        operation: () => [
          list.find((e) => e.type === 'StepStarted' && e.step === t.step),
          list.find((e) => e.type === 'StepFinished' && e.step === t.step),
        ],
        delivery: () => [endEvent(list, steps.at(-1)!), list.find((e) => e.type === 'OrderDelivered')],
      }[t.kind]();
      expect(t.start, `${t.orderId} ${t.kind} ${t.step}`).toBe(at(start));
      expect(t.end, `${t.orderId} ${t.kind} ${t.step}`).toBe(at(end));
      const step = steps[i];
      if (step?.kind === 'operation') expect(t.station).toBe(step.station);
    }
  });

  it('is reproducible by seed, and differs between seeds', async () => {
    const a = await dryRun('steady', { seed: 3, duration: 2 * 60 * MIN });
    const b = await dryRun('steady', { seed: 3, duration: 2 * 60 * MIN });
    const c = await dryRun('steady', { seed: 4, duration: 2 * 60 * MIN });

    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it.each([
    ['the demo plant', orderFlowModel],
    ['the flow shop', flowShop],
  ])(
    'has suppliers that slip, announce it late, or never, and operation times that vary, on %s',
    async (_, model) => {
      const events = await dryRun('steady', { model, seed: 11, duration: 24 * 60 * MIN });
      let slipped = 0;
      let announced = 0;
      let lateAnnouncement = 0;
      const durations = new Map<string, Set<number>>();
      for (const [, list] of byOrder(events)) {
        const ordered = list.find((e) => e.type === 'MaterialOrdered');
        const arrived = list.find((e) => e.type === 'MaterialArrived');
        const update = list.find((e) => e.type === 'EtaUpdated');
        for (const started of list.filter((e) => e.type === 'StepStarted')) {
          const finished = list.find((e) => e.type === 'StepFinished' && e.step === started.step);
          if (!finished) continue;
          const seen = durations.get(started.step!) ?? new Set<number>();
          seen.add(Date.parse(finished.occurredAt) - Date.parse(started.occurredAt));
          durations.set(started.step!, seen);
        }
        if (!ordered || !arrived) continue;
        if (Date.parse(arrived.occurredAt) > Date.parse(ordered.eta!)) slipped++;
        if (update) announced++;
        if (update && Date.parse(update.occurredAt) > Date.parse(ordered.eta!)) lateAnnouncement++;
      }

      expect(slipped).toBeGreaterThan(announced);
      expect(announced).toBeGreaterThan(0);
      expect(lateAnnouncement).toBeGreaterThan(0);
      // The model's fixed times vary in the emulated plant, step by step.
      const operations = model.products[0]!.routing.filter((s) => s.kind === 'operation');
      expect([...durations.keys()].sort()).toEqual(operations.map((s) => s.step).sort());
      for (const [step, seen] of durations) expect(seen.size, step).toBeGreaterThan(10);
    },
  );

  it.each([
    ['the demo plant', orderFlowModel, 7],
    // Accepted, three of the material, two per operation, delivered: 11 per frame.
    ['the flow shop', flowShop, 11],
  ])(
    'produces the load scenario’s events at the asked rate of plant time, on %s',
    async (_, model, perOrder) => {
      const events = await dryRun('load', { model, duration: 10_000 });

      // 100 events per second at speed Infinity is 100 per second of plant time: about 1,000 in 10 s.
      expect(events.length).toBeGreaterThan(950);
      expect(events.length).toBeLessThan(1_100);
      const orders = [...byOrder(events).values()];
      expect(orders[0]!.length).toBe(perOrder);
    },
  );
});

/** The ground truth of a dry run. */
async function truthOf(scenario: ScenarioName, model: PlantModel, seed: number, duration: number) {
  const truthFile = join(mkdtempSync(join(tmpdir(), 'twin-truth-')), 'truth.jsonl');
  await dryRun(scenario, { model, seed, duration, truthFile });
  return readTruth(truthFile);
}

/** The most operations at `station` at one time. */
function mostAtOnce(truth: readonly TruthRecord[], station: string): number {
  const changes = truth
    .filter((t) => t.kind === 'operation' && t.station === station)
    .flatMap((t) => [
      [Date.parse(t.start), 1],
      [Date.parse(t.end), -1],
    ])
    // At one instant, an order leaves before the next one starts.
    .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let most = 0;
  for (const [, d] of changes) {
    now += d!;
    most = Math.max(most, now);
  }
  return most;
}

describe('the emulated plant and the order domain', () => {
  /** Orders with whole-minute times, so that ties are frequent, of the model's products. */
  const plantOrders = (model: PlantModel) =>
    fc
      .array(
        fc.record({
          id: fc.integer({ min: 1, max: 999 }),
          at: fc.integer({ min: 0, max: 60 }),
          product: fc.constantFrom(...model.products.map((p) => p.id)),
          priority: fc.integer({ min: 1, max: 3 }),
          due: fc.option(fc.integer({ min: 20, max: 200 }), { nil: undefined }),
          lead: fc.integer({ min: 0, max: 20 }),
          durations: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 4, maxLength: 4 }),
        }),
        { minLength: 1, maxLength: 25 },
      )
      .map((drawn) => {
        const ids = new Set<number>();
        return drawn
          .filter((o) => !ids.has(o.id) && ids.add(o.id))
          .map((o): PlantOrder => {
            const product = model.products.find((p) => p.id === o.product)!;
            const operations = product.routing.filter((s) => s.kind === 'operation');
            return {
              orderId: `o${o.id}`,
              acceptedAt: T0 + o.at * MIN,
              // As a plant sends it: the product, when the model has several.
              ...(model.products.length > 1 && { product: o.product }),
              priority: o.priority,
              ...(o.due !== undefined && { dueAt: T0 + o.due * MIN }),
              leadTime: o.lead * MIN,
              announcedLeadTime: o.lead * MIN,
              durations: Object.fromEntries(operations.map((s, i) => [s.step, o.durations[i]! * MIN])),
            };
          });
      });

  /** The emulated plant's events of `orders` (their ids carry the run id first: left out). */
  function emulated(model: PlantModel, orders: readonly PlantOrder[]): Event[] {
    const env = new Environment(T0);
    const events: Event[] = [];
    const arriving = [...orders].sort((a, b) => a.acceptedAt - b.acceptedAt);
    startPlant(
      env,
      resolveModel(model),
      arriving.map(
        (o): EmulatedOrder => ({
          orderId: o.orderId,
          acceptedAt: o.acceptedAt,
          ...(o.product !== undefined && { product: o.product }),
          priority: o.priority!,
          ...(o.dueAt !== undefined && { dueAt: o.dueAt }),
          material: { promisedLead: o.leadTime!, actualLead: o.leadTime! },
          durations: o.durations!,
          deliveryAfter: MIN,
        }),
      ),
      { event: (e) => events.push(e as Event) },
    );
    env.run();
    return events;
  }

  /** Each order's events as the plant sends them: type, time, step and station, ETA, product. */
  const perOrder = (events: readonly Event[]) => {
    const orders = new Map<string, string[]>();
    for (const e of events) {
      if (e.type === 'OrderDelivered') continue;
      const { eventId: _, orderId, ...rest } = e;
      orders.set(orderId, [...(orders.get(orderId) ?? []), JSON.stringify(rest)]);
    }
    return orders;
  };

  it.each([
    ['the flow shop (fifo, two welders)', flowShop],
    ['the job shop (priority and due-date rules, two products)', jobShop],
  ])('sends the events of a plant run for the same orders and times: %s', (_, model) => {
    fc.assert(
      fc.property(plantOrders(model), (orders) => {
        const expected = perOrder(plantEvents(runPlant(orders, model)) as Event[]);

        const actual = perOrder(emulated(model, orders));

        expect(actual).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('places orders by id for the queue rules’ ties, in whatever order they arrive', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 40 }), (ids) => {
        const ranks = new IdRanks();
        const placed = ids.map((id) => [id, ranks.add(id)] as const);

        const byRank = [...placed].sort((a, b) => a[1] - b[1]).map(([id]) => id);

        expect(byRank).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }),
    );
    // Ids of orders that have left make room, and later ones still fall into place.
    const ranks = new IdRanks();
    const first = ['b', 'd', 'f'].map((id) => ranks.add(id));
    for (const id of ['b', 'd']) ranks.remove(id);
    expect(ranks.add('e')).toBeLessThan(first[2]!);
    expect(ranks.add('a')).toBeLessThan(ranks.add('c'));
  });
});

describe('scenarios and models', () => {
  it('runs the demo on the demo plant and on a model of its shape with other times, steady on any other', () => {
    expect(scenariosFor(orderFlowModel)).toEqual(['demo', 'steady', 'load', 'breakdowns']);
    expect(scenariosFor(uncertain)).toEqual(['demo', 'steady', 'load', 'breakdowns']);
    expect(scenariosFor(flowShop)).toEqual(['steady', 'load', 'breakdowns']);
    expect(defaultScenario(orderFlowModel)).toBe('demo');
    expect(defaultScenario(jobShop)).toBe('steady');
  });

  it('refuses the demo on another plant, naming the model and the scenarios that fit', async () => {
    const message =
      "scenario demo is the seed article's four orders on the demo plant (order-flow), and model flow-shop is another plant: its scenarios are steady, load and breakdowns";

    expect(() => checkScenario('demo', flowShop)).toThrow(new ScenarioError(message));
    await expect(dryRun('demo', { model: flowShop })).rejects.toThrow(ScenarioError);
    const run = await twin(
      'emulate',
      '--model',
      'examples/models/flow-shop.json',
      '--scenario',
      'demo',
      '--dry-run',
    );
    expect(run).toEqual({ code: 2, stdout: '', stderr: `twin: ${message}\n` });
  });

  it('prints the steady flow shop at once on a dry run', async () => {
    const run = await twin(
      'emulate',
      '--model',
      'examples/models/flow-shop.json',
      '--dry-run',
      '--duration',
      '2h',
    );

    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Event);
    // Two hours of plant time at the default speed (60) would take two minutes.
    expect(new Set(events.filter((e) => e.type === 'StepStarted').map((e) => e.station))).toEqual(
      new Set(['saw', 'welder', 'booth']),
    );
  });

  it('names a model file that does not load, and runs nothing', async () => {
    const run = await twin('emulate', '--model', 'examples/demo-snapshot.json', '--dry-run');

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^twin: examples\/demo-snapshot\.json: model/);
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

describe('the breakdowns scenario', () => {
  /** The flow shop whose saw fails every 2 h or so, for 15 to 45 min (its failure model). */
  const failingSaw = parsePlantModel({
    ...JSON.parse(readFileSync('examples/models/flow-shop.json', 'utf8')),
    name: 'flow-shop-failing',
  });
  const saw = failingSaw.stations.find((s) => s.capacity === 1)!;
  (saw as { failures?: unknown }).failures = {
    timeBetweenFailures: { dist: 'exponential', mean: 120 },
    timeToRepair: { dist: 'uniform', min: 15, max: 45 },
  };
  type StationEvent = {
    type: string;
    occurredAt: string;
    station?: string;
    unit?: number;
    expectedUpAt?: string;
    from?: string;
    maintenanceId?: string;
  };
  const stationEvents = (events: readonly Event[]) =>
    (events as readonly unknown[] as StationEvent[]).filter(
      (e) => e.type.startsWith('Station') || e.type.startsWith('Maintenance'),
    );

  it.each([
    ['the demo plant (default failures)', orderFlowModel],
    ['the flow shop (default failures, two welders)', flowShop],
    ['a flow shop whose saw has a failure model', failingSaw],
  ])(
    'sends each StationDown, then its StationUp, and one maintenance announced ahead, valid events: %s',
    async (_, model) => {
      const events = await dryRun('breakdowns', { model, seed: 5, duration: 24 * 60 * MIN });
      for (const e of events) expect(EventSchema.safeParse(e).success).toBe(true);
      const station = stationEvents(events);
      const down = new Map<string, StationEvent>();
      let breakdowns = 0;
      let expected = 0;
      for (const e of station) {
        const key = `${e.station}#${e.unit ?? ''}`;
        if (e.type === 'StationDown') {
          expect(down.has(key)).toBe(false);
          down.set(key, e);
          breakdowns++;
          if (e.expectedUpAt !== undefined) expected++;
        } else if (e.type === 'StationUp') {
          expect(down.get(key)).toBeDefined();
          expect(Date.parse(e.occurredAt)).toBeGreaterThan(Date.parse(down.get(key)!.occurredAt));
          down.delete(key);
        }
      }
      expect(down.size).toBe(0);
      expect(breakdowns).toBeGreaterThanOrEqual(3);
      // Most say when they expect to be up, not all.
      expect(expected).toBeGreaterThan(0);
      expect(expected).toBeLessThan(breakdowns);
      const planned = station.filter((e) => e.type === 'MaintenancePlanned');
      expect(planned).toHaveLength(1);
      expect(Date.parse(planned[0]!.occurredAt)).toBeLessThan(Date.parse(planned[0]!.from!));
      // Station events are sent in time order with the rest.
      const times = events.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    },
  );

  it('draws the failures of a station with a failure model from it: its units fail more often than others', async () => {
    const station = stationEvents(
      await dryRun('breakdowns', { model: failingSaw, seed: 2, duration: 24 * 60 * MIN }),
    );
    const sawDowns = station.filter((e) => e.type === 'StationDown' && e.station === saw.id);
    // About one every 2 h + 30 min of repair over 24 h: ten or so; the defaults' about one in 4 h per unit.
    expect(sawDowns.length).toBeGreaterThanOrEqual(5);
    for (const e of sawDowns) expect(e.unit).toBeUndefined();
    const up = station.filter((e) => e.type === 'StationUp' && e.station === saw.id);
    for (const [i, e] of sawDowns.entries()) {
      const repair = Date.parse(up[i]!.occurredAt) - Date.parse(e.occurredAt);
      expect(repair).toBeGreaterThanOrEqual(15 * MIN - 1);
      // Cut short only by the maintenance, if it is on this station.
      expect(repair).toBeLessThanOrEqual(45 * MIN + 1);
    }
  });

  it('is the plant run with its breakdowns and maintenance: the same steps, and orders held up finish later', () => {
    const resolved = resolveModel(flowShop);
    const chosen = scenario('breakdowns', resolved, {
      start: T0,
      seed: 7,
      duration: 12 * 60 * MIN,
      rate: 100,
      speed: Number.POSITIVE_INFINITY,
    });
    const orders = [...chosen.orders];
    const outages = chosen.outages!;
    const env = new Environment(T0);
    const events: Event[] = [];
    startPlant(env, resolved, orders, { event: (e) => events.push(e as Event) }, { outages });
    env.run();

    const plantOrders = orders.map(
      (o): PlantOrder => ({
        orderId: o.orderId,
        acceptedAt: o.acceptedAt,
        ...(o.product !== undefined && { product: o.product }),
        ...(o.priority !== undefined && { priority: o.priority }),
        ...(o.dueAt !== undefined && { dueAt: o.dueAt }),
        ...(o.material && { leadTime: o.material.actualLead, announcedLeadTime: o.material.promisedLead }),
        ...(o.durations && { durations: o.durations }),
      }),
    );
    const steps = (list: readonly Event[]) => {
      const byOrderId = new Map<string, string[]>();
      for (const e of list) {
        if (e.type !== 'StepStarted' && e.type !== 'StepFinished') continue;
        byOrderId.set(e.orderId, [
          ...(byOrderId.get(e.orderId) ?? []),
          `${e.type} ${e.step} ${e.occurredAt}`,
        ]);
      }
      return byOrderId;
    };
    const truth = runPlant(plantOrders, flowShop, {
      maintenance: outages.maintenance,
      breakdowns: outages.breakdowns,
    });
    expect(steps(events)).toEqual(steps(plantEvents(truth) as Event[]));

    // An order whose operation on a one-unit station spans a breakdown's start finishes later than without.
    const without = runPlant(plantOrders, flowShop);
    const single = new Set(flowShop.stations.filter((s) => s.capacity === 1).map((s) => s.id));
    let held = 0;
    for (const history of truth.values()) {
      const hit = history.steps.some(
        (step) =>
          step.station !== undefined &&
          single.has(step.station) &&
          outages.breakdowns.some(
            (b) => b.station === step.station && b.from > step.start && b.from < step.end,
          ),
      );
      if (!hit) continue;
      held++;
      expect(history.completedAt).toBeGreaterThan(without.get(history.order.orderId)!.completedAt);
    }
    expect(held).toBeGreaterThan(0);
    expect(outages.breakdowns.length).toBeGreaterThan(0);
  });

  it('is reproducible by seed, differs between seeds, and has the steady scenario’s orders', async () => {
    const a = await dryRun('breakdowns', { model: flowShop, seed: 3, duration: 8 * 60 * MIN });
    const b = await dryRun('breakdowns', { model: flowShop, seed: 3, duration: 8 * 60 * MIN });
    const c = await dryRun('breakdowns', { model: flowShop, seed: 4, duration: 8 * 60 * MIN });
    expect(a).toEqual(b);
    expect(stationEvents(c)).not.toEqual(stationEvents(a));
    const steady = await dryRun('steady', { model: flowShop, seed: 3, duration: 8 * 60 * MIN });
    // The same orders (event ids aside: they count the station events too).
    const accepted = (list: readonly Event[]) =>
      list.filter((e) => e.type === 'OrderAccepted').map(({ eventId: _, ...rest }) => rest);
    expect(accepted(a)).toEqual(accepted(steady));
  });

  it('runs from the command line, and is listed in --help', async () => {
    const run = await twin(
      'emulate',
      '--model',
      'examples/models/flow-shop.json',
      '--scenario',
      'breakdowns',
      '--duration',
      '12h',
      '--dry-run',
    );
    expect(run.code).toBe(0);
    const types = new Set(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { type: string }).type),
    );
    expect(types.has('StationDown')).toBe(true);
    expect(types.has('StationUp')).toBe(true);
    expect(types.has('MaintenancePlanned')).toBe(true);
    expect((await twin('emulate', '--help')).stdout).toContain('breakdowns');
    expect((await twin('start', '--help')).stdout).toContain('breakdowns');
  });
});
