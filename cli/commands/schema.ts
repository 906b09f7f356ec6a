// `twin schema`: the JSON Schema of the v1 order events, for producers.
import { orderEventJsonSchema } from '../../contracts/events.ts';
import { defineCommand } from '../command.ts';

export const schemaCommand = defineCommand({
  name: 'schema',
  summary:
    'Print the JSON Schema of the v1 order events (one event per Kinesis record, partition key orderId).',
  details: 'Example: twin schema > order-event-v1.schema.json',
  options: {},
  run(_values, io) {
    io.out(JSON.stringify(orderEventJsonSchema(), null, 2));
    return 0;
  },
});
