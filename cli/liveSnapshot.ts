// The live state of a twin as a snapshot: what the forecast Lambda reads (the active orders, the
// stations' state and the maintenance planned), through the same state store, from the tables that
// `--data-dir`, `--endpoint` or `--aws` name (`twin snapshot`, `twin whatif`, `twin recommend`).
// Loaded only by a command that reads a live twin: it brings the AWS SDK.
import { DEFAULT_PLANT } from '../contracts/plants.ts';
import { liveSnapshot } from '../forecast/liveSnapshot.ts';
import { createClients, destroyClients } from '../local/clients.ts';
import type { Snapshot } from '../orderflow/types.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import type { ActiveOrder } from '../state/StateStore.ts';
import { CliError } from './errors.ts';
import { plantOption } from './optionChecks.ts';
import { findTables, tableError } from './tables.ts';

export interface LiveSnapshot {
  snapshot: Snapshot;
  /** Where it was read, in words: "the twin running with .twin". */
  where: string;
}

/** Reads the live state of the twin that `values` name (the one that runs, by default). */
export async function readLiveSnapshot(
  values: {
    'data-dir'?: string;
    endpoint?: string;
    aws: boolean;
    'name-prefix'?: string;
    'as-of'?: string;
    plant?: string;
  },
  now: () => number = Date.now,
): Promise<LiveSnapshot> {
  const asOfChoice = asOfOption(values['as-of']);
  const plantId = plantOption(values.plant);
  const tables = await findTables(values, 'read');
  const clients = createClients(tables.endpoints);
  try {
    const states = new DynamoDbStateStore(clients.dynamodb, tables.names.orderStateTable);
    const [orders, plant] = await Promise.all([states.listActive(plantId), states.plantState(plantId)]);
    const latest = latestEvent(orders);
    const asOf =
      typeof asOfChoice === 'number'
        ? asOfChoice
        : asOfChoice === 'now'
          ? now()
          : asOfChoice === 'latest-event' || tables.stop !== undefined
            ? (latest ?? now())
            : Math.max(now(), latest ?? 0);
    // As the forecast reads it.
    const where = plantId === DEFAULT_PLANT ? tables.where : `plant ${plantId} of ${tables.where}`;
    return { snapshot: liveSnapshot(asOf, orders, plant), where };
  } catch (error) {
    throw tableError(error, tables);
  } finally {
    destroyClients(clients);
    await tables.stop?.();
  }
}

/** `now`, `latest-event`, an ISO-8601 time as epoch ms, or undefined for the default. */
function asOfOption(value: string | undefined): 'now' | 'latest-event' | number | undefined {
  if (value === undefined || value === 'now' || value === 'latest-event') return value;
  const ms = /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new CliError(
      `--as-of must be now, latest-event or an ISO-8601 time such as 2026-01-05T08:30:00Z, got "${value}"`,
    );
  return ms;
}

/** The latest event applied to an active order; undefined when there is none. */
function latestEvent(orders: readonly ActiveOrder[]): number | undefined {
  let latest: number | undefined;
  for (const o of orders) if (latest === undefined || o.updatedAt > latest) latest = o.updatedAt;
  return latest;
}
