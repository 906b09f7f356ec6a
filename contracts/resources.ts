// The twin's AWS resources, defined once: the CDK stack and the embedded runtime both provision
// from here, so names, keys and settings cannot drift apart.

/** The Kinesis stream of order events (partition key: orderId). */
export const OrderEventsStream = {
  name: 'order-events',
  shards: 1,
  /** Hours a record stays readable. */
  retentionHours: 24,
} as const;

/**
 * The `order-state` table: one item per order. The sparse index `active-orders` holds only orders
 * not yet delivered (the ingest removes `activeShard` on delivery), so the forecast reads the
 * work in process with a Query, never a Scan.
 */
export const OrderStateTable = {
  name: 'order-state',
  partitionKey: 'orderId',
  stream: 'NEW_AND_OLD_IMAGES',
  activeIndex: {
    name: 'active-orders',
    partitionKey: 'activeShard',
    sortKey: 'orderId',
  },
  /** Active orders are spread over this many index partitions ("0" … "N-1"). */
  activeShards: 1,
  /**
   * The plant's own items share the table: one per station (or unit) and one per planned
   * maintenance, keyed `#plant#…` (a prefix no order id may start with). Those the forecast reads
   * lie in the active-orders index under a partition of their own, which no order's shard names.
   */
  plantItems: {
    keyPrefix: '#plant#',
    indexPartition: 'plant',
  },
} as const;

/**
 * The `forecasts` table: the plant's latest forecast (`pk = "plant"`, `sk = "latest"`, written
 * only if newer) and its history (`sk = "history#<asOf>"`, expiring after `historyDays`).
 */
export const ForecastsTable = {
  name: 'forecasts',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  historyDays: 14,
  /**
   * Bytes of compressed forecast per item (a forecast is split into chunks of at most this, see
   * contracts/forecastItem.ts): well under DynamoDB's 400 KB item, with room for keys and attributes.
   */
  chunkBytes: 350_000,
} as const;

/** Where records that can never be applied go, with their reason (SQS on AWS). */
export const FailureQueue = {
  name: 'order-events-failures',
  /**
   * SQS's largest message, body and attributes together: "1 MiB or 1,048,576 bytes"
   * (SendMessage, MessageBody, in the SQS API reference). A failure message never exceeds it;
   * data that does not fit is stored beside the queue.
   */
  maxMessageBytes: 1_048_576,
  /** Days SQS keeps a failure, and the store beside it keeps the data of one too large for it. */
  retentionDays: 14,
} as const;

/** The SNS topic the twin's alerts are published to on AWS (embedded: `alerts.jsonl`). */
export const AlertTopic = {
  name: 'twin-alerts',
} as const;

/**
 * The event source mappings, shared by the CDK stack (Lambda's mappings on AWS) and the embedded
 * twin's local mappings, so that the handlers meet the same batching, retries and failure handling
 * everywhere.
 */
export const IngestEventSource = {
  /**
   * Up to 500 records: the ingest writes each order's events of a batch at once, so when it falls
   * behind, bigger batches mean fewer writes per event and it catches up.
   */
  batchSize: 500,
  /** Records are handed over as soon as they are read. */
  batchingWindowSeconds: 0,
  /** Throttling and timeouts are retried; a record that still fails goes to the failure destination. */
  retryAttempts: 10,
  /** A failing batch is split in two until the failing record is alone (not on LocalStack). */
  bisectBatchOnError: true,
  /** Well under the stream's 24 h retention, so a failed batch can still be re-read from the stream. */
  maxRecordAgeHours: 6,
} as const;

/** The forecast's mapping on the order-state table's stream. */
export const ForecastEventSource = {
  batchSize: 1_000,
  /** A burst of changes within this window makes one forecast. */
  batchingWindowSeconds: 1,
  /**
   * A forecast reads the whole state, not the records: a batch that keeps failing can be dropped
   * (to the failure destination) without losing anything the next change's forecast will not see.
   */
  retryAttempts: 3,
  /** A forecast fails as a whole, never because of one record. */
  bisectBatchOnError: false,
  maxRecordAgeHours: 1,
} as const;

/**
 * The observer's mapping on the order-state table's stream (its own, beside the forecast's): it
 * keeps the rolling accuracy record as orders' steps finish.
 */
export const ObserverEventSource = {
  batchSize: 1_000,
  /** Comparisons of a burst of changes are added to the record in one write. */
  batchingWindowSeconds: 1,
  /** A batch that keeps failing goes to the failure destination: its comparisons are lost, no more. */
  retryAttempts: 3,
  /** The observer fails as a whole (a conflict or a read), never because of one record. */
  bisectBatchOnError: false,
  maxRecordAgeHours: 1,
} as const;

/** Names of every resource, optionally prefixed (for side-by-side stacks and test isolation). */
export function resourceNames(prefix = ''): {
  stream: string;
  orderStateTable: string;
  forecastsTable: string;
  failureQueue: string;
  alertTopic: string;
} {
  return {
    stream: `${prefix}${OrderEventsStream.name}`,
    orderStateTable: `${prefix}${OrderStateTable.name}`,
    forecastsTable: `${prefix}${ForecastsTable.name}`,
    failureQueue: `${prefix}${FailureQueue.name}`,
    alertTopic: `${prefix}${AlertTopic.name}`,
  };
}

/**
 * The plant model file of the functions that simulate (MODEL_FILE): the stack bundles it beside their
 * code as `bundledName`; without a model of its own, the demo plant's (`demoPath`, from the project's
 * root).
 */
export const ModelFile = {
  bundledName: 'model.json',
  demoPath: 'orderflow/models/order-flow.json',
} as const;

/**
 * Node.js options of the forecast: a young generation that holds a whole forecast's objects spares
 * the garbage collector most of its copying. The forecast Lambda, `npm start` and the benchmarks
 * run with it.
 */
export const FORECAST_NODE_OPTIONS = '--max-semi-space-size=128';
