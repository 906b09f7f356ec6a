// `twin bench accuracy`: `twin accuracy`'s reading and comparison on a long forecast history. Not in
// `twin bench all`: its largest plants take minutes, and it measures a report, not the pipeline.
import { accuracyBench } from '../../../bench/accuracyBench.ts';
import { intOption } from '../../command.ts';
import { defineBenchmark, withProgress } from './benchmark.ts';

export const accuracyBenchmark = defineBenchmark({
  name: 'accuracy',
  usage: [
    'twin bench accuracy --orders N                              twin accuracy on a history of 300 forecasts of N',
    "                                                            orders, every order finished (not in 'all')",
  ],
  options: {
    orders: { type: 'string', value: 'N', description: 'orders in each forecast', default: '1000' },
  },
  async run(values, io) {
    const orders = intOption('orders', values.orders, 1)!;
    const result = await withProgress(io, (progress) => accuracyBench({ orders, progress }));
    io.out(
      values.json
        ? JSON.stringify(result)
        : `${result.forecastsRead} of ${result.forecastsInHistory} forecasts of ${result.orders} orders read and compared: ` +
            result.runs.map((r) => `${r.ms} ms (client CPU ${r.cpuMs} ms)`).join(', '),
    );
    return 0;
  },
});
