// `twin schema`: the JSON Schema of the v1 order and station events (for producers), of a plant model
// file, or of a what-if variants file.
import { eventJsonSchema } from '../../contracts/events.ts';
import { plantModelJsonSchema } from '../../orderflow/index.ts';
import { variantJsonSchema } from '../../orderflow/whatif/variant.ts';
import { defineCommand } from '../command.ts';
import { CliError } from '../errors.ts';

const SCHEMAS = {
  events: eventJsonSchema,
  model: plantModelJsonSchema,
  variant: variantJsonSchema,
} as const;

export const schemaCommand = defineCommand({
  name: 'schema',
  positionals: '[events|model|variant]',
  summary:
    'Print the JSON Schema of the order and station events (one event per Kinesis record, partition key orderId, or the station), with "model" of a plant model file, with "variant" of a what-if variants file.',
  details:
    'Example: twin schema > order-event-v1.schema.json\n' +
    'Example: twin schema model > plant-model.schema.json (see docs/model-file.md)\n' +
    'Example: twin schema variant > variant.schema.json (see docs/what-if.md)',
  options: {},
  run(_values, io, positionals) {
    const [which = 'events', ...rest] = positionals;
    if (rest.length > 0 || !Object.hasOwn(SCHEMAS, which)) {
      throw new CliError(`twin schema: expected events, model or variant, got "${positionals.join(' ')}"`);
    }
    io.out(JSON.stringify(SCHEMAS[which as keyof typeof SCHEMAS](), null, 2));
    return 0;
  },
});
