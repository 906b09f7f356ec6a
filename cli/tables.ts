// Which twin's tables a command works on (`twin reset`, `twin accuracy`): the embedded twin that
// runs on this machine, the one of a data directory (running or stopped), an endpoint, or AWS.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resourceNames } from '../contracts/resources.ts';
import type { Endpoints } from '../local/clients.ts';
import { EmulatorError, startDynamoDbLocal } from '../local/emulators/index.ts';
import type { ResourceNames } from '../local/provision.ts';
import { listRunningTwins, runningTwinOf } from '../local/runningTwins.ts';
import { isConnectionError } from './connectionError.ts';
import { endpointFromEnv, endpointOption } from './endpointOption.ts';
import { CliError } from './errors.ts';
import { awsNameOption, dataDirOption } from './optionChecks.ts';

export { TABLE_OPTIONS } from './tableOptions.ts';

/** Where the tables are: endpoints, their names, how to say it, and what to stop afterwards. */
export interface Tables {
  endpoints: Endpoints;
  names: ResourceNames;
  where: string;
  /** A DynamoDB Local started only for this command (a stopped twin's data directory). */
  stop?: () => Promise<void>;
}

/**
 * The tables that the options name, else AWS_ENDPOINT_URL's, else those of the one twin that runs.
 * `verb` completes the errors: "nothing to reset".
 */
export async function findTables(
  values: { 'data-dir'?: string; endpoint?: string; aws: boolean; 'name-prefix'?: string },
  verb: string,
): Promise<Tables> {
  const prefix = values['name-prefix'] ?? '';
  awsNameOption('name-prefix', prefix, 'name prefix', { min: 0, max: 200 });
  endpointOption('endpoint', values.endpoint);
  dataDirOption('data-dir', values['data-dir']);
  const names = resourceNames(prefix);
  const where = await findWhere(values, verb);
  return { ...where, names };
}

async function findWhere(
  values: { 'data-dir'?: string; endpoint?: string; aws: boolean },
  verb: string,
): Promise<Omit<Tables, 'names'>> {
  const chosen = [values['data-dir'] !== undefined, values.endpoint !== undefined, values.aws].filter(
    Boolean,
  ).length;
  if (chosen > 1) throw new CliError('give one of --data-dir, --endpoint and --aws');
  if (values.aws) return { endpoints: {}, where: 'AWS (your default account and region)' };
  if (values.endpoint) return { endpoints: { dynamodb: values.endpoint }, where: values.endpoint };
  const dataDir = values['data-dir'];
  // AWS_ENDPOINT_URL is the user's choice: it goes before a twin found running on this machine.
  const endpoint = dataDir === undefined ? endpointFromEnv('AWS_ENDPOINT_URL') : undefined;
  if (endpoint) return { endpoints: { dynamodb: endpoint }, where: `${endpoint} (AWS_ENDPOINT_URL)` };
  const running = await listRunningTwins();
  if (dataDir !== undefined) {
    const twin =
      running.find((t) => resolve(t.dataDir) === resolve(dataDir)) ?? (await runningTwinOf(dataDir));
    if (twin) return { endpoints: twin.endpoints, where: `the twin running with ${dataDir}` };
    // A stopped twin: its DynamoDB Local keeps the tables on disk; start one on them for the command.
    const tables = join(dataDir, 'emulators', 'dynamodb');
    if (!existsSync(tables))
      throw new CliError(`${dataDir} holds no twin's tables (no ${tables}): nothing to ${verb}`);
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
  throw new CliError(
    `no twin runs on this machine: start one (npm start), or say which tables to ${verb} with --data-dir DIR, --endpoint URL or --aws`,
  );
}

/** An error from reading or writing `tables`, as the user should read it. */
export function tableError(error: unknown, tables: Pick<Tables, 'names' | 'where'>): unknown {
  const e = error as Error & { code?: string };
  const { names, where } = tables;
  if (e.name === 'ResourceNotFoundException')
    return new CliError(
      `the tables ${names.orderStateTable} and ${names.forecastsTable} do not exist in ${where}`,
    );
  if (isConnectionError(e)) return new CliError(`cannot reach DynamoDB in ${where}: ${e.message}`);
  return error;
}
