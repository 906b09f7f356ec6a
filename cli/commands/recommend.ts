// `twin recommend`: the twin's own options for the live plant (expedite the material of late orders,
// put a knocked-on order first, one more unit at the bottleneck, another queue rule), run beside the
// live plan on the same random futures within a time budget, and those that do better in plain words.
import { recommend } from '../../orderflow/whatif/recommend.ts';
import { defineCommand, jsonText } from '../command.ts';
import { rangedNumberOption } from '../optionChecks.ts';
import { loadPlanInputs, PLAN_OPTIONS } from '../planInputs.ts';
import { progressLine } from '../progress.ts';
import { recommendText } from '../whatIfText.ts';
import { COMPARE_OPTIONS, compareOptions, runWhatIf } from './whatif.ts';

export const recommendCommand = defineCommand({
  name: 'recommend',
  summary:
    "Propose what to do about the late orders of the live plan, and say which of the twin's own options do better, best first.",
  details: [
    'The twin proposes options from the forecast: expedite the material of each order late by its own material,',
    'put each knocked-on late order first at the station that holds it up, one more unit at the busiest station',
    'for the horizon, each queue rule at every station. It runs them beside the live plan at the means, then the',
    'most promising on the same random futures (as many replications as --budget leaves, up to --replications),',
    'and prints those that do better, with their gain and its 95 % interval. Nothing is written to the twin.',
    'Example: twin recommend --state examples/demo-snapshot.json',
    'Example: twin recommend --data-dir .twin --budget 5 --max 5',
  ].join('\n'),
  options: {
    ...PLAN_OPTIONS,
    ...COMPARE_OPTIONS,
    budget: {
      type: 'string',
      value: 'SECONDS',
      description: 'wall time the recommendation may take; replications are cut to fit',
      default: '10',
    },
    max: {
      type: 'string',
      value: 'N',
      description: 'how many recommendations at most, 1 to 100',
      default: '3',
    },
    json: { type: 'boolean', description: 'print the recommendations and the comparison as JSON' },
  },
  async run(values, io) {
    const options = compareOptions(values);
    const budgetSeconds = rangedNumberOption('budget', values.budget, { above: 0, max: 3_600 })!;
    const max = rangedNumberOption('max', values.max, { min: 1, max: 100, whole: true })!;
    const inputs = await loadPlanInputs(values);
    const result = await runWhatIf(
      () =>
        recommend(inputs.snapshot, inputs.model, {
          ...options,
          parameters: inputs.parameters,
          budgetMs: budgetSeconds * 1000,
          max,
          onProgress: progressLine(io, 'runs'),
        }),
      io,
      undefined,
    );
    io.out(values.json ? jsonText(result, io) : recommendText(result, inputs.source));
    return 0;
  },
});
