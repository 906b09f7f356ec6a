// `twin demo`: the seed article's flow forecast offline, in the terminal (no emulators, no Java).
import { demoOrders, forecast, orderFlowModel, runPlant, snapshotAt } from '../../orderflow/index.ts';
import { defineCommand, jsonText } from '../command.ts';
import { forecastTable } from '../format.ts';

const MIN = 60_000;

export const demoCommand = defineCommand({
  name: 'demo',
  summary:
    "Run the demo: the seed article's four orders, forecast at three moments, so the cascade of a late supplier can be watched.",
  details:
    "Order 2's supplier announces at 08:15 that its material will come a third later than promised; order 3,\n" +
    'whose material is on time, and order 4 are pushed back behind it (knock-on).',
  options: {
    json: { type: 'boolean', description: 'print the three forecasts as JSON' },
  },
  run(values, io) {
    const start = Date.UTC(2026, 0, 5, 8, 0, 0);
    const plant = runPlant(demoOrders(start));
    const moments = [
      { at: 12 * MIN, what: 'Before the slip: order 2 is expected on time.' },
      { at: 16 * MIN, what: "08:15, order 2's supplier says its material will be 3 min 20 s late." },
      { at: 31 * MIN, what: 'Order 4 has arrived: orders 3 and 4 are knocked on by order 2.' },
    ];
    const forecasts = moments.map((m) => forecast(snapshotAt(plant, start + m.at)));
    if (values.json) {
      io.out(jsonText(forecasts, io));
      return 0;
    }
    moments.forEach((m, i) => {
      io.out(`── ${m.what}`);
      io.out(forecastTable(forecasts[i]!, orderFlowModel));
      io.out('');
    });
    io.out('This is the offline demo. The live twin (Kinesis, Lambdas, dashboard): npm start.');
    io.out('Forecast your own snapshot with: twin forecast --state FILE (see twin forecast --help).');
    return 0;
  },
});
