// What the twin says and does about the services it stands on: the probes its pipeline asks after a
// failure (does the service answer, are the twin's stream and table still there?), and the lines it
// logs when an emulator dies and starts again, or a service stops answering, answers again or has
// lost the twin's data.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import type { AwsClients, Endpoints } from '../clients.ts';
import type { EmulatorName, RestartEvent } from '../emulators/index.ts';
import { type ServiceState, type ServiceStatus, stateFromProbeError } from '../pollers/ServiceWatch.ts';
import type { ResourceNames } from '../provision.ts';
import type { PipelineService } from './pipeline.ts';

const EMULATOR_TITLES: Record<EmulatorName, string> = {
  'dynamodb-local': 'DynamoDB Local',
  kinesalite: 'kinesalite',
  'kinesis-mock': 'kinesis-mock',
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A log line for what happens to an emulator the twin keeps running. */
export function restartLine(event: RestartEvent, inMemory: boolean): string {
  const title = EMULATOR_TITLES[event.emulator];
  switch (event.kind) {
    case 'exited':
      return (
        `${title} ${event.how}: starting it again on port ${event.port} in ${seconds(event.restartInMs)}` +
        (inMemory ? ' (it ran in memory: its data is lost)' : ', with its data')
      );
    case 'restarted':
      return `${title} runs again on port ${event.port} (started in ${seconds(event.startupMs)})`;
    case 'restart-failed':
      return `${title} did not start again (${event.error.message.split('\n')[0]}): trying again in ${seconds(event.restartInMs)}`;
  }
}

/** One probe call: the service answers, and the twin's table or stream is there. */
async function probe(call: () => Promise<unknown>): Promise<ServiceState> {
  try {
    await call();
    return 'up';
  } catch (error) {
    return stateFromProbeError(error);
  }
}

/** The pipeline's probes: `DescribeStreamSummary` on the stream, `DescribeTable` on the order-state table. */
export function serviceProbes(
  clients: AwsClients,
  names: ResourceNames,
): Record<PipelineService, () => Promise<ServiceState>> {
  return {
    kinesis: () =>
      probe(() => clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.stream }))),
    dynamodb: () =>
      probe(() => clients.dynamodb.send(new DescribeTableCommand({ TableName: names.orderStateTable }))),
  };
}

/** What the twin says when a service stops answering, answers again, or has lost the twin's resources. */
export function serviceLines(twin: {
  /** The twin runs its own emulators. */
  embedded: boolean;
  /** They keep their data in memory (no data directory given). */
  inMemory: boolean;
  endpoints: Endpoints;
  names: ResourceNames;
}) {
  const { endpoints, names } = twin;
  const titles: Record<PipelineService, string> = twin.embedded
    ? { kinesis: 'kinesalite', dynamodb: 'DynamoDB Local' }
    : { kinesis: 'Kinesis', dynamodb: 'DynamoDB' };
  const where = (service: PipelineService) => endpoints[service] ?? 'AWS';
  const lost: Record<PipelineService, string> = {
    kinesis: `the event stream ${names.stream} is gone, with the events not yet read from it`,
    dynamodb: `the order state is gone (table ${names.orderStateTable})`,
  };
  return (service: PipelineService, status: ServiceStatus, previous: ServiceStatus): string => {
    const title = titles[service];
    if (status.state === 'unreachable')
      return `${title} at ${where(service)} does not answer: the pipeline waits for it, retrying with backoff; nothing is lost`;
    if (status.state === 'up')
      return `${title} answers again after ${seconds(status.since - previous.since)}: the pipeline carries on where it stopped`;
    if (twin.embedded && twin.inMemory)
      return `${title} restarted without a data directory: ${lost[service]}; stop the twin and start it again (use --data-dir to keep state across restarts)`;
    return `${title} at ${where(service)} answers, but ${lost[service]}: the pipeline has stopped; stop the twin and start it again`;
  };
}
