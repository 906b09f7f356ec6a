// `twin schema`: the JSON Schema of the v1 order and station events (for producers), or of a plant model file.
import { eventJsonSchema } from '../../contracts/events.ts';
import { plantModelJsonSchema } from '../../orderflow/index.ts';
import { defineCommand } from '../command.ts';
import { CliError } from '../errors.ts';

const SCHEMAS = {
  events: eventJsonSchema,
  model: plantModelJsonSchema,
} as const;

export const schemaCommand = defineCommand({
  name: 'schema',
  positionals: '[events|model]',
  summary:
    'Print the JSON Schema of the order and station events (one event per Kinesis record, partition key orderId, or the station), or with "model" of a plant model file.',
  details:
    'Example: twin schema > order-event-v1.schema.json\n' +
    'Example: twin schema model > plant-model.schema.json (see docs/model-file.md)',
  options: {},
  run(_values, io, positionals) {
    const [which = 'events', ...rest] = positionals;
    if (rest.length > 0 || !Object.hasOwn(SCHEMAS, which)) {
      throw new CliError(`twin schema: expected events or model, got "${positionals.join(' ')}"`);
    }
    io.out(JSON.stringify(SCHEMAS[which as keyof typeof SCHEMAS](), null, 2));
    return 0;
  },
});
