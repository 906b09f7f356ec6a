// `twin bench whatif`: variants of a synthetic plant compared on common random numbers, fresh and
// warm, and how the time scales with variants, replications and orders.

import { availableParallelism } from 'node:os';
import { type WhatIfBenchResult, whatIfBench } from '../../../bench/whatIfBench.ts';
import { intOption } from '../../command.ts';
import { count, defineBenchmark, type Suite } from './benchmark.ts';

export const whatIfBenchmark = defineBenchmark({
  name: 'whatif',
  usage: [
    'twin bench whatif [--orders N] [--variants V] [--replications R] [--threads T]',
    '                                                            what-if: V variants beside the baseline, R',
    '                                                            replications each, on N active orders, T threads',
  ],
  options: {
    orders: { type: 'string', value: 'N', description: 'number of active orders', default: '1000' },
    variants: { type: 'string', value: 'V', description: 'variants beside the baseline', default: '10' },
    replications: { type: 'string', value: 'R', description: 'replications per variant', default: '100' },
    threads: {
      type: 'string',
      value: 'T',
      description: 'threads that run the replications, the calling one included (default: one per core)',
    },
  },
  async run(values, io) {
    const orders = intOption('orders', values.orders, 1)!;
    const variants = intOption('variants', values.variants, 1)!;
    const replications = intOption('replications', values.replications, 0)!;
    const threads = intOption('threads', values.threads, 1) ?? availableParallelism();
    const result = await whatIfBench(orders, variants, replications, threads);
    io.out(
      values.json
        ? JSON.stringify(result)
        : `${count(orders)} orders, ${variants} variants × ${replications} replications, ${threads} thread${threads === 1 ? '' : 's'}: fresh ${result.freshMs} ms; ` +
            `warm median ${result.medianMs} ms (min ${result.minMs} ms, ${result.runs} runs)`,
    );
    return 0;
  },
});

/**
 * The sizes `npm run bench` measures: the target (10 × 100 on 1,000 orders) on one thread and on
 * every core, and its scaling in variants, replications and orders.
 */
const SIZES: [orders: number, variants: number, replications: number, threads: number | undefined][] = [
  [1_000, 10, 0, 1],
  [1_000, 1, 100, 1],
  [1_000, 10, 10, 1],
  [1_000, 10, 100, 1],
  [1_000, 10, 100, undefined],
  [1_000, 20, 100, undefined],
  [10_000, 10, 10, undefined],
];

export const whatIfSuite: Suite<WhatIfBenchResult[]> = {
  key: 'whatif',
  async measure({ bundle, progress, quick }) {
    const results: WhatIfBenchResult[] = [];
    for (const [orders, variants, replications, threads] of SIZES) {
      if (quick && orders > 1_000) continue;
      progress(`what-if: ${count(orders)} orders, ${variants} variants × ${replications} replications ...`);
      const args = ['bench', 'whatif', '--orders', String(orders), '--variants', String(variants)];
      if (threads !== undefined) args.push('--threads', String(threads));
      results.push(
        (await bundle([...args, '--replications', String(replications), '--json'])) as WhatIfBenchResult,
      );
    }
    return results;
  },
  tables: [
    {
      title: 'What-if: variants on common random numbers',
      measures:
        'twin whatif’s engine on a synthetic plant of the demo plant with uncertain times (examples/order-flow-uncertain.json): ' +
        'the baseline and V planner-like variants (expedite material, more units, another queue rule, a rush order), each at the ' +
        'means and on R replications on the same seeds, the replications shared out over worker threads; the first run in a fresh process (fresh) and the median of 5 after one more (warm). ' +
        'Target: 10 variants × 100 replications of 1,000 orders under 2 s.',
      rows: (results) => [
        [
          'active orders',
          'variants',
          'replications',
          'threads',
          'simulated runs',
          'fresh ms',
          'warm median ms',
          'warm ms per run',
          'kernel events',
        ],
        ...results.map((r) => {
          const simulated = (r.variants + 1) * (1 + r.replications);
          return [
            count(r.orders),
            count(r.variants),
            count(r.replications),
            count(r.threads),
            count(simulated),
            count(r.freshMs),
            count(r.medianMs),
            (r.medianMs / simulated).toFixed(2),
            count(r.events),
          ];
        }),
      ],
    },
  ],
};
