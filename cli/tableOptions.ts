// The options that say which twin's tables a command works on: apart from cli/tables.ts, which
// starts emulators and reaches DynamoDB, so that a command's help loads none of that.
import type { OptionSpec } from './command.ts';

/** The options that say which tables: declared once, for every command that takes them. */
export const TABLE_OPTIONS = {
  'data-dir': {
    type: 'string',
    value: 'DIR',
    description: 'the data directory of an embedded twin (running or stopped)',
  },
  endpoint: {
    type: 'string',
    value: 'URL',
    description: 'DynamoDB endpoint, an http(s) URL (default: AWS_ENDPOINT_URL)',
  },
  aws: { type: 'boolean', description: 'the tables in AWS (default credentials and region)' },
  'name-prefix': {
    type: 'string',
    value: 'P',
    description: "the tables' name prefix, for a stack deployed with -c twin:name-prefix=P",
  },
} as const satisfies Record<string, OptionSpec>;
