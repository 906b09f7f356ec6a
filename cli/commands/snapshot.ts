// `twin snapshot`: the live state of a twin (the active orders, the stations' state and the planned
// maintenance, exactly what the forecast reads) saved as a snapshot file, for twin forecast, twin whatif
// and twin recommend to replay offline.
import { writeFile } from 'node:fs/promises';
import { defineCommand, jsonText } from '../command.ts';
import { CliError } from '../errors.ts';
import { outputFileOption } from '../optionChecks.ts';
import { LIVE_OPTIONS } from '../planInputs.ts';

export const snapshotCommand = defineCommand({
  name: 'snapshot',
  summary:
    'Save the live state of a twin (active orders, stations, planned maintenance: what the forecast reads) as a snapshot file.',
  details: [
    'Reads the state of the twin that runs on this machine, or of --data-dir (running or stopped), --endpoint or',
    '--aws, and writes { "asOf", "orders", "stations", "maintenance" } to --out or to stdout: the file that',
    'twin forecast --state, twin whatif --state and twin recommend --state take.',
    'Example: twin snapshot --data-dir .twin --out plant-now.json',
  ].join('\n'),
  options: {
    ...LIVE_OPTIONS,
    out: { type: 'string', value: 'FILE', description: 'write the snapshot to FILE (default: stdout)' },
  },
  async run(values, io) {
    const out = outputFileOption('out', values.out);
    // The AWS SDK only when the command runs: its help stays quick.
    const { readLiveSnapshot } = await import('../liveSnapshot.ts');
    const { snapshot, where } = await readLiveSnapshot(values);
    if (out === undefined) {
      io.out(jsonText(snapshot, io));
      return 0;
    }
    try {
      await writeFile(out, `${JSON.stringify(snapshot, null, 2)}\n`);
    } catch (error) {
      throw new CliError(`${out}: cannot write: ${(error as Error).message}`);
    }
    const stations = snapshot.stations?.length ?? 0;
    const maintenance = snapshot.maintenance?.length ?? 0;
    io.err(
      `${out}: ${snapshot.orders.length} active order${snapshot.orders.length === 1 ? '' : 's'}, ` +
        `${stations} station state${stations === 1 ? '' : 's'}, ${maintenance} maintenance window${maintenance === 1 ? '' : 's'}, ` +
        `as of ${new Date(snapshot.asOf).toISOString()}, from ${where}\n`,
    );
    return 0;
  },
});
