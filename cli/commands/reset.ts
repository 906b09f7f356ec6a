// `twin reset`: empties the state and forecast tables for a fresh run: of the embedded twin that
// runs (or of a stopped one's data directory), of a LocalStack endpoint, or of AWS.
import { createInterface } from 'node:readline/promises';
import { createClients, destroyClients } from '../../local/clients.ts';
import { resetTables } from '../../local/reset.ts';
import { defineCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { findTables, TABLE_OPTIONS, tableError } from '../tables.ts';

export const resetCommand = defineCommand({
  name: 'reset',
  summary: 'Empty the order-state and forecasts tables, for a fresh run (asks first unless --yes).',
  details: [
    'Without options: the embedded twin that runs on this machine (npm start). --data-dir DIR: the twin of that',
    'data directory, running or stopped. --endpoint URL: LocalStack (or any DynamoDB). --aws: your AWS account',
    '(default credentials and region). The Kinesis stream is left as it is.',
  ].join('\n'),
  options: {
    ...TABLE_OPTIONS,
    yes: { type: 'boolean', short: 'y', description: 'do not ask' },
  },
  async run(values, io) {
    const target = await findTables(values, 'reset');
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
        const deleted = await resetTables(clients.documentClient, target.names);
        io.out(
          `deleted ${Object.entries(deleted)
            .map(([table, n]) => `${n} items from ${table}`)
            .join(', ')} in ${target.where}`,
        );
        return 0;
      } catch (error) {
        throw tableError(error, target);
      } finally {
        destroyClients(clients);
      }
    } finally {
      await target.stop?.();
    }
  },
});
