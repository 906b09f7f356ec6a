// `twin cost`: the twin's cost per month on AWS, on paper, for a number of plants: line by line
// from the stack's own settings, list prices and the forecast's measured duration (lib/costModel.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  BenchmarkFiguresError,
  benchmarkFigures,
  costPerMonth,
  DEFAULT_INPUTS,
  measuredInputs,
  PRICES_DATE,
  quantity,
  unitPrice,
  usd,
} from '../../lib/costModel.ts';
import { stackCostSettings } from '../../lib/costSettings.ts';
import { defineCommand, jsonText } from '../command.ts';
import { CliError } from '../errors.ts';
import { table } from '../format.ts';
import { rangedNumberOption } from '../optionChecks.ts';

/** The benchmark figures the defaults come from (written by `npm run bench`). */
const BENCHMARK_RESULTS = fileURLToPath(new URL('../../docs/benchmark-results.md', import.meta.url));

export const costCommand = defineCommand({
  name: 'cost',
  summary:
    "Print the twin's cost per month on AWS on paper, line by line, for a number of plants: from the stack's own settings, list prices and the forecast's measured duration.",
  details:
    `Prices: on-demand list prices of us-east-1 as of ${PRICES_DATE}, free tiers not deducted.\n` +
    "A plant's forecast time and size come from the forecast handler's benchmark in docs/benchmark-results.md\n" +
    '(the size nearest to --active-orders), unless --forecast-ms is given. See docs/cost.md.\n' +
    'Example: twin cost --plants 100',
  options: {
    plants: {
      type: 'string',
      value: 'N',
      description: 'plants in the deployment: 1 to 10,000',
      default: '1',
    },
    'events-per-day': {
      type: 'string',
      value: 'E',
      description: 'order events a day of each plant: 1 to 100,000,000',
      default: String(DEFAULT_INPUTS.eventsPerDayPerPlant),
    },
    'active-orders': {
      type: 'string',
      value: 'A',
      description: 'active orders of each plant: 1 to 1,000,000',
      default: String(DEFAULT_INPUTS.activeOrdersPerPlant),
    },
    'forecast-ms': {
      type: 'string',
      value: 'MS',
      description:
        "time of one plant's forecast in ms, > 0 and at most 900,000 (default: the benchmark's warm figure)",
    },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  run(values, io) {
    const plants = rangedNumberOption('plants', values.plants, { min: 1, max: 10_000, whole: true })!;
    const eventsPerDay = rangedNumberOption('events-per-day', values['events-per-day'], {
      min: 1,
      max: 1e8,
      whole: true,
    })!;
    const activeOrders = rangedNumberOption('active-orders', values['active-orders'], {
      min: 1,
      max: 1e6,
      whole: true,
    })!;
    const forecastMs = rangedNumberOption('forecast-ms', values['forecast-ms'], { above: 0, max: 900_000 });

    const measured = measuredInputs(readBenchmarks(), activeOrders);
    const estimate = costPerMonth(
      {
        ...DEFAULT_INPUTS,
        ...measured,
        ...(forecastMs !== undefined && { forecastMs }),
        plants,
        eventsPerDayPerPlant: eventsPerDay,
        activeOrdersPerPlant: activeOrders,
      },
      stackCostSettings(),
    );
    if (values.json) {
      io.out(jsonText({ pricesDate: PRICES_DATE, ...estimate }, io));
      return 0;
    }
    const forecastFrom =
      forecastMs === undefined
        ? `measured warm at ${measured.forecastMsFrom.toLocaleString('en-US')} active orders (docs/benchmark-results.md)`
        : 'as given';
    io.out(
      [
        `Cost per month on AWS: ${plants.toLocaleString('en-US')} plant${plants === 1 ? '' : 's'} of ` +
          `${eventsPerDay.toLocaleString('en-US')} events a day and ${activeOrders.toLocaleString('en-US')} active orders each ` +
          `(${quantity(estimate.figures.eventsPerSecond)} events/s in all)`,
        `Forecast: ${estimate.inputs.forecastMs} ms a plant (${forecastFrom}); ` +
          `${quantity(estimate.figures.plantForecasts)} plant forecasts in ${quantity(estimate.figures.forecastInvocations)} invocations a month`,
        `Prices: on-demand, us-east-1, as of ${PRICES_DATE}; free tiers not deducted`,
        '',
        table([
          ['service', 'item', 'quantity a month', 'unit', 'unit price', 'cost a month'],
          ...estimate.lines.map((l) => [
            l.service,
            l.item,
            quantity(l.quantity),
            l.unit,
            unitPrice(l.unitPrice),
            usd(l.cost),
          ]),
          ['total', '', '', '', '', usd(estimate.total)],
        ]),
      ].join('\n'),
    );
    return 0;
  },
});

function readBenchmarks() {
  let text: string;
  try {
    text = readFileSync(BENCHMARK_RESULTS, 'utf8');
  } catch {
    throw new CliError(
      'docs/benchmark-results.md cannot be read: the forecast figures come from it (run `npm run bench`)',
    );
  }
  try {
    return benchmarkFigures(text);
  } catch (error) {
    if (error instanceof BenchmarkFiguresError) {
      throw new CliError(`docs/benchmark-results.md: ${error.message} (run \`npm run bench\`)`);
    }
    throw error;
  }
}
