// `twin reset`: empties the state and forecast tables for a fresh run, against the embedded twin or an endpoint.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { createClients, destroyClients, type Endpoints } from '../../local/clients.ts';
import { resetTables } from '../../local/reset.ts';
import { defineCommand } from '../command.ts';
import { CliError } from '../errors.ts';

export const resetCommand = defineCommand({
  name: 'reset',
  summary: 'Empty the order-state and forecasts tables, for a fresh run (asks first unless --yes).',
  details: [
    'Against the embedded twin that runs with --data-dir DIR, or against --endpoint URL (LocalStack, or AWS when',
    'neither is given and AWS credentials are set). The Kinesis stream is left as it is.',
  ].join('\n'),
  options: {
    'data-dir': {
      type: 'string',
      value: 'DIR',
      description: 'the data directory of a running embedded twin',
    },
    endpoint: { type: 'string', value: 'URL', description: 'DynamoDB endpoint (default: AWS_ENDPOINT_URL)' },
    yes: { type: 'boolean', short: 'y', description: 'do not ask' },
  },
  async run(values, io) {
    let endpoints: Endpoints = {};
    let where: string;
    if (values['data-dir']) {
      const lockFile = join(values['data-dir'], 'twin.lock');
      let lock: { endpoints: Endpoints };
      try {
        lock = JSON.parse(await readFile(lockFile, 'utf8'));
      } catch {
        throw new CliError(
          `no twin runs with ${values['data-dir']} (no ${lockFile}): start it, or give --endpoint`,
        );
      }
      endpoints = lock.endpoints;
      where = `the twin running with ${values['data-dir']}`;
    } else {
      const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL;
      if (endpoint) endpoints = { dynamodb: endpoint };
      where = endpoint ?? 'AWS (your default account and region)';
    }
    if (!values.yes) {
      if (!process.stdin.isTTY)
        throw new CliError('twin reset deletes every order state and forecast: add --yes to confirm');
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await prompt.question(`Delete every order state and forecast in ${where}? [y/N] `);
      prompt.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        io.err('nothing deleted\n');
        return 1;
      }
    }
    const clients = createClients(endpoints);
    try {
      const deleted = await resetTables(clients.documentClient);
      io.out(
        `deleted ${Object.entries(deleted)
          .map(([table, n]) => `${n} items from ${table}`)
          .join(', ')}`,
      );
      return 0;
    } catch (error) {
      const e = error as Error & { code?: string };
      if (e.name === 'ResourceNotFoundException') throw new CliError(`the tables do not exist in ${where}`);
      if (e.code === 'ECONNREFUSED') throw new CliError(`cannot reach DynamoDB in ${where}: ${e.message}`);
      throw error;
    } finally {
      destroyClients(clients);
    }
  },
});
