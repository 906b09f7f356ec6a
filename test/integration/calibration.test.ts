// Recalibration on DynamoDB Local: the observation and calibration stores meet the stores' contract
// in the forecasts table (samples added by concurrent writers all kept), and the pipeline's parts
// meet there: samples recorded from stream records, a recalibration, and a forecast that runs the
// calibrated model and names its calibration.
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../cli/commands/calibrate.ts';
import { InMemoryAlertSink } from '../../contracts/alerts.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbCalibrationStore } from '../../forecast/DynamoDbCalibrationStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { DynamoDbObservationStore } from '../../forecast/DynamoDbObservationStore.ts';
import { latestEventClock, runForecast } from '../../forecast/forecastHandler.ts';
import { observationsOf } from '../../forecast/observations.ts';
import { recalibrate, recordObservations } from '../../forecast/recalibration.ts';
import { createTableInputs } from '../../local/provision.ts';
import { orderFlowModel, parsePlantModel } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import type { DomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { stepAttribute } from '../../state/stepAttributes.ts';
import {
  calibrationStoreContract,
  observationStoreContract,
} from '../forecast/calibrationStores.contract.ts';
import { twin } from '../support/cli.ts';
import { useEmulators } from '../support/emulators.ts';

const logger = new Logger({ serviceName: 'calibration', logLevel: 'SILENT' });
const MIN = 60_000;

describe('recalibration on DynamoDB Local', () => {
  const env = useEmulators('kinesalite');
  let tables = 0;
  /** A forecasts table of its own. */
  const freshTable = async () => {
    const names = resourceNames(`calibration-${Date.now()}-${++tables}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).forecasts));
    return names.forecastsTable;
  };

  observationStoreContract(
    'DynamoDB',
    async (window) => new DynamoDbObservationStore(env.clients.documentClient, await freshTable(), window),
  );
  calibrationStoreContract(
    'DynamoDB',
    async () => new DynamoDbCalibrationStore(env.clients.documentClient, await freshTable()),
  );

  it('records samples from stream records, recalibrates from them, and forecasts with the calibrated model', async () => {
    const table = await freshTable();
    const observations = new DynamoDbObservationStore(env.clients.documentClient, table);
    const calibrations = new DynamoDbCalibrationStore(env.clients.documentClient, table);
    const record = recordObservations(observations);
    // Forty orders whose production took 12 minutes (the model says 10), in batches of stream records.
    for (let batch = 0; batch < 4; batch++) {
      const records: DynamoDBRecord[] = [];
      for (let i = 0; i < 10; i++) {
        const start = (batch * 10 + i) * 15 * MIN;
        const running = { orderId: `o-${batch}-${i}`, [stepAttribute('production', 'startedAt')]: start };
        const done = { ...running, [stepAttribute('production', 'finishedAt')]: start + 12 * MIN };
        records.push({ eventName: 'MODIFY', dynamodb: { OldImage: image(running), NewImage: image(done) } });
      }
      await record(observationsOf(records));
    }
    const alerts = new InMemoryAlertSink();

    const calibration = await recalibrate({
      observations,
      calibrations,
      model: orderFlowModel,
      logger,
      alerts,
      reason: 'schedule',
      now: () => Date.UTC(2026, 0, 6),
    });

    expect(calibration!.fits[0]).toMatchObject({ label: 'production', n: 40, applied: true });
    expect(calibration!.fits[0]!.fit.mean).toBe(12 * MIN);
    expect(alerts.alerts).toEqual([
      expect.objectContaining({ kind: 'calibration', calibrationId: calibration!.id, reason: 'schedule' }),
    ]);
    expect(alerts.alerts[0]!.text).toMatch(/production: 10\.0 min → 12\.0 min \(\+20 %, n 40\)/);
    expect(await calibrations.latest()).toEqual(calibration);

    // A forecast of one order in production since t = 0: 12 minutes with the calibration, 10 without.
    const states = new InMemoryStateStore();
    await states.apply({ type: 'OrderAccepted', eventId: 'a', orderId: 'x', at: 0 });
    await states.apply({ type: 'MaterialArrived', eventId: 'b', orderId: 'x', at: 0 });
    await states.apply({ type: 'StepStarted', eventId: 'c', orderId: 'x', at: 0, step: 'production' });
    const forecasts = new DynamoDbForecastStore(env.clients.documentClient, table);
    const calibrated = await runForecast({
      states,
      forecasts,
      logger,
      calibrations,
      clock: latestEventClock,
    });
    const plain = await runForecast({ states, forecasts, logger, clock: latestEventClock });

    expect(calibrated.record.orders[0]!.completedAt).toBe(12 * MIN);
    expect(calibrated.record.calibration).toEqual({
      id: calibration!.id,
      fittedAt: calibration!.fittedAt,
      modelVersion: calibration!.modelVersion,
    });
    expect(calibrated.record.model.hash).toBe(calibration!.modelVersion);
    expect(plain.record.orders[0]!.completedAt).toBe(10 * MIN);
    expect(plain.record.calibration).toBeUndefined();
  });

  it('twin calibrate: fits the finished orders of a twin that recorded no samples, then the samples, and applies them', async () => {
    const prefix = env.names.forecastsTable.slice(0, -'forecasts'.length);
    const states = new DynamoDbStateStore(env.clients.dynamodb, env.names.orderStateTable);
    // Six orders produced in 11 to 13 minutes (the demo plant says 10), one more waiting for its material.
    for (let i = 0; i < 6; i++) {
      const t = i * 20 * MIN;
      const id = `o${i}`;
      const events: DomainEvent[] = [
        { type: 'OrderAccepted', eventId: `${id}-a`, orderId: id, at: t },
        {
          type: 'MaterialOrdered',
          eventId: `${id}-m`,
          orderId: id,
          at: t,
          eta: t + 5 * MIN,
          supplier: 'acme',
        },
        { type: 'MaterialArrived', eventId: `${id}-r`, orderId: id, at: t + 5 * MIN },
        { type: 'StepStarted', eventId: `${id}-s`, orderId: id, at: t + 5 * MIN, step: 'production' },
        {
          type: 'StepFinished',
          eventId: `${id}-f`,
          orderId: id,
          at: t + 5 * MIN + (11 + (i % 3)) * MIN,
          step: 'production',
        },
      ];
      await states.applyAll(events);
    }
    await states.apply({
      type: 'OrderAccepted',
      eventId: 'w',
      orderId: 'waiting',
      at: 130 * MIN,
      dueAt: 150 * MIN,
    });
    await states.apply({
      type: 'MaterialOrdered',
      eventId: 'wm',
      orderId: 'waiting',
      at: 130 * MIN,
      eta: 131 * MIN,
    });
    const where = ['--endpoint', env.running.endpoints.dynamodb!, '--name-prefix', prefix];

    const fromOrders = await twin('calibrate', ...where, '--min-samples', '5', '--json');
    expect(fromOrders.stderr).toBe('');
    const report = JSON.parse(fromOrders.stdout) as CalibrationReport;
    expect(report.samplesFrom).toBe('finished orders');
    expect(report.calibration.fits).toEqual([
      expect.objectContaining({ label: 'production', n: 6, applied: true, modelMeanMs: 10 * MIN }),
    ]);
    expect(report.calibration.fits[0]!.fit.mean).toBe(12 * MIN);
    // The waiting order: 10 minutes of production after its material with the model, 12 calibrated.
    expect(report.impact.after.makespanMs - report.impact.before.makespanMs).toBe(2 * MIN);
    expect(report.stored).toBeUndefined();

    const text = await twin('calibrate', ...where, '--min-samples', '5');
    expect(text.stdout).toMatch(
      /^production\s+6\s+10 min\s+12 min\s+\+20 %\s+\w+\s+0\.\d{3} \(0\.\d{3}\)\s+yes$/m,
    );
    expect(text.stdout).toMatch(/Not applied: run again with --apply/);

    // Samples recorded by the observer go before the finished orders: these say 13 minutes.
    const observations = new DynamoDbObservationStore(env.clients.documentClient, env.names.forecastsTable);
    await observations.add(
      Array.from({ length: 5 }, (_, i) => ({
        key: { kind: 'duration' as const, step: 'production' },
        value: 13 * MIN,
        at: i * MIN,
        id: `x${i}`,
      })),
    );
    const applied = JSON.parse(
      (await twin('calibrate', ...where, '--min-samples', '5', '--apply', '--json')).stdout,
    ) as CalibrationReport;
    expect(applied).toMatchObject({ samplesFrom: 'observations', stored: 'saved' });
    const stored = await new DynamoDbCalibrationStore(
      env.clients.documentClient,
      env.names.forecastsTable,
    ).latest();
    expect(stored).toEqual(applied.calibration);
    expect(stored!.reason).toBe('manual');
    expect(stored!.fits[0]!.fit.mean).toBe(13 * MIN);

    const refused = await twin('calibrate', ...where, '--min-samples', '50', '--apply');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/nothing to apply: no key has 50 samples yet/);

    // The twin forecasts with the calibration it was given: the same model, as far as calibrate sees.
    const forecasts = new DynamoDbForecastStore(env.clients.documentClient, env.names.forecastsTable);
    const calibrations = new DynamoDbCalibrationStore(env.clients.documentClient, env.names.forecastsTable);
    await runForecast({ states, forecasts, logger, calibrations, clock: latestEventClock });
    const same = JSON.parse((await twin('calibrate', ...where, '--json')).stdout) as CalibrationReport;
    expect(same.twinModel).toBeUndefined();
    // A twin that runs another model: calibrate says so, and applies nothing to it.
    const other = parsePlantModel({ ...orderFlowModel, name: 'another-plant' });
    await runForecast({ states, forecasts, logger, model: other, clock: () => 200 * MIN });
    const warned = await twin('calibrate', ...where, '--min-samples', '5');
    expect(warned.stdout).toMatch(
      /^Careful: the twin's latest forecast ran model another-plant \(version [0-9a-f]{16}\), not this one:$/m,
    );
    const wrongModel = await twin('calibrate', ...where, '--min-samples', '5', '--apply');
    expect(wrongModel.code).toBe(2);
    expect(wrongModel.stderr).toMatch(
      /^twin: the twin runs model another-plant \(version [0-9a-f]{16}\), not order-flow/,
    );
    expect((await calibrations.latest())!.id).toBe(applied.calibration.id);

    const history = await twin('calibrate', ...where, '--history', '5');
    expect(history.stdout).toMatch(/^Calibrations in .*, latest first/);
    expect(history.stdout).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\S+Z\\s+manual\\s+order-flow\\s+${applied.calibration.modelVersion}\\s+production 13 min \\(\\+30 %\\)$`,
        'm',
      ),
    );
    expect((await twin('calibrate', ...where, '--history', '5', '--apply')).stderr).toMatch(
      /give --history or --apply, not both/,
    );
  });
});

const image = (item: Record<string, unknown>) => marshall(item) as never;
