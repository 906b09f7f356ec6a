// Lambda: recalibration, on the stack's schedule (EventBridge) or when invoked (drift: `{ "reason":
// "drift" }`). A thin adapter: clients, logger and model are made once per container; the domain
// code (forecast/recalibration.ts) fits the recorded samples and stores the calibration.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoDbCalibrationStore } from '../forecast/DynamoDbCalibrationStore.ts';
import { DynamoDbObservationStore } from '../forecast/DynamoDbObservationStore.ts';
import { plantModelEnv } from '../forecast/modelFile.ts';
import { recalibrate } from '../forecast/recalibration.ts';
import type { CalibrationReason } from '../orderflow/calibration/calibrate.ts';
import { orderFlowModel } from '../orderflow/index.ts';
import { alertSinkOf } from './alerts.ts';
import { requireEnv, wholeNumberEnv } from './env.ts';

const logger = new Logger({ serviceName: 'calibrate' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const table = requireEnv('FORECASTS_TABLE');

/** MODEL_FILE: the plant model file bundled with the function, the forecast's; unset: the demo plant. */
const model = plantModelEnv('MODEL_FILE') ?? orderFlowModel;

/** CALIBRATION_MIN_SAMPLES: samples a key needs before its fit replaces the model's value; unset: the default. */
const minSamples = wholeNumberEnv('CALIBRATION_MIN_SAMPLES', 2);

/** Where the calibration alert goes: the forecasts table and the SNS topic ALERT_TOPIC_ARN names. */
const alerts = alertSinkOf(documents, table);

const REASONS: readonly CalibrationReason[] = ['drift', 'schedule', 'manual'];

/** An EventBridge scheduled event recalibrates on schedule; `{ reason }` as the invoker says. */
export const handler = async (event: { reason?: unknown } | null, context: Context) => {
  logger.addContext(context);
  const asked = event?.reason;
  const reason = REASONS.includes(asked as CalibrationReason) ? (asked as CalibrationReason) : 'schedule';
  const calibration = await recalibrate({
    observations: new DynamoDbObservationStore(documents, table),
    calibrations: new DynamoDbCalibrationStore(documents, table),
    model,
    logger,
    alerts,
    reason,
    ...(minSamples !== undefined && { minSamples }),
  });
  return calibration === undefined
    ? { calibrated: false }
    : { calibrated: true, id: calibration.id, modelVersion: calibration.modelVersion };
};
