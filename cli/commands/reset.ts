// `twin reset`: empties the state and forecast tables for a fresh run: of the embedded twin that
// runs (or of a stopped one's data directory), of a LocalStack endpoint, or of AWS.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { createClients, destroyClients, type Endpoints } from '../../local/clients.ts';
import { EmulatorError, startDynamoDbLocal } from '../../local/emulators.ts';
import { resetTables } from '../../local/reset.ts';
import { listRunningTwins, runningTwinOf } from '../../local/runningTwins.ts';
import { defineCommand } from '../command.ts';
import { CliError, isConnectionError } from '../errors.ts';

/** Where to reset: endpoints, how to say it, and what to stop afterwards. */
interface Target {
  endpoints: Endpoints;
  where: string;
  /** A DynamoDB Local started only for the reset (a stopped twin's data directory). */
  stop?: () => Promise<void>;
}

export const resetCommand = defineCommand({
  name: 'reset',
  summary: 'Empty the order-state and forecasts tables, for a fresh run (asks first unless --yes).',
  details: [
    'Without options: the embedded twin that runs on this machine (npm start). --data-dir DIR: the twin of that',
    'data directory, running or stopped. --endpoint URL: LocalStack (or any DynamoDB). --aws: your AWS account',
    '(default credentials and region). The Kinesis stream is left as it is.',
  ].join('\n'),
  options: {
    'data-dir': {
      type: 'string',
      value: 'DIR',
      description: 'the data directory of an embedded twin (running or stopped)',
    },
    endpoint: { type: 'string', value: 'URL', description: 'DynamoDB endpoint (default: AWS_ENDPOINT_URL)' },
    aws: { type: 'boolean', description: 'the tables in AWS (default credentials and region)' },
    yes: { type: 'boolean', short: 'y', description: 'do not ask' },
  },
  async run(values, io) {
    const chosen = [values['data-dir'] !== undefined, values.endpoint !== undefined, values.aws].filter(
      Boolean,
    ).length;
    if (chosen > 1) throw new CliError('give one of --data-dir, --endpoint and --aws');
    const target = await findTarget(values);
    try {
      if (!values.yes) {
        if (!process.stdin.isTTY)
          throw new CliError(
            `twin reset deletes every order state and forecast in ${target.where}: add --yes to confirm`,
          );
        const prompt = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await prompt.question(
          `Delete every order state and forecast in ${target.where}? [y/N] `,
        );
        prompt.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          io.err('nothing deleted\n');
          return 1;
        }
      }
      const clients = createClients(target.endpoints);
      try {
        const deleted = await resetTables(clients.documentClient);
        io.out(
          `deleted ${Object.entries(deleted)
            .map(([table, n]) => `${n} items from ${table}`)
            .join(', ')} in ${target.where}`,
        );
        return 0;
      } catch (error) {
        const e = error as Error & { code?: string };
        if (e.name === 'ResourceNotFoundException')
          throw new CliError(`the tables do not exist in ${target.where}`);
        if (isConnectionError(e))
          throw new CliError(`cannot reach DynamoDB in ${target.where}: ${e.message}`);
        throw error;
      } finally {
        destroyClients(clients);
      }
    } finally {
      await target.stop?.();
    }
  },
});

async function findTarget(values: { 'data-dir'?: string; endpoint?: string; aws: boolean }): Promise<Target> {
  if (values.aws) return { endpoints: {}, where: 'AWS (your default account and region)' };
  if (values.endpoint) return { endpoints: { dynamodb: values.endpoint }, where: values.endpoint };
  const running = await listRunningTwins();
  const dataDir = values['data-dir'];
  if (dataDir !== undefined) {
    const twin =
      running.find((t) => resolve(t.dataDir) === resolve(dataDir)) ?? (await runningTwinOf(dataDir));
    if (twin) return { endpoints: twin.endpoints, where: `the twin running with ${dataDir}` };
    // A stopped twin: its DynamoDB Local keeps the tables on disk; start one on them for the reset.
    const tables = join(dataDir, 'emulators', 'dynamodb');
    if (!existsSync(tables))
      throw new CliError(`${dataDir} holds no twin's tables (no ${tables}): nothing to reset`);
    let dynamodb: Awaited<ReturnType<typeof startDynamoDbLocal>>;
    try {
      dynamodb = await startDynamoDbLocal({ dataDir: join(dataDir, 'emulators') });
    } catch (error) {
      if (error instanceof EmulatorError) throw new CliError(error.message);
      throw error;
    }
    return {
      endpoints: { dynamodb: dynamodb.endpoint },
      where: `the stopped twin's tables in ${dataDir}`,
      stop: () => dynamodb.stop(),
    };
  }
  if (running.length === 1) {
    const twin = running[0]!;
    return {
      endpoints: twin.endpoints,
      where: `the twin running with ${twin.dataDir} (${twin.dashboardUrl})`,
    };
  }
  if (running.length > 1) {
    throw new CliError(
      `${running.length} twins run: say which with --data-dir (${running.map((t) => t.dataDir).join(', ')})`,
    );
  }
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (endpoint) return { endpoints: { dynamodb: endpoint }, where: `${endpoint} (AWS_ENDPOINT_URL)` };
  throw new CliError(
    'no twin runs on this machine: start one (npm start), or say what to reset with --data-dir DIR, --endpoint URL or --aws',
  );
}
