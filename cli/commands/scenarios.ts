// `twin scenarios`: runs the scenarios of a twin hosted on the engine (the model file's `kind` says
// which) on common random numbers, prints them ranked, and writes a self-contained HTML report.
import { writeFile } from 'node:fs/promises';
import { MAX_REPLICATIONS, SimulationLimitError } from '../../sim-core/index.ts';
import { twinKinds, twinOfKind } from '../../twins/index.ts';
import { scenarioReportHtml } from '../../twins/scenarios/reportHtml.ts';
import { runScenarios } from '../../twins/scenarios/runScenarios.ts';
import { ScenarioError } from '../../twins/scenarios/ScenarioTwin.ts';
import { defineCommand, jsonText, shownLimit } from '../command.ts';
import { CliError } from '../errors.ts';
import { readJson } from '../files.ts';
import { outputFileOption, rangedNumberOption } from '../optionChecks.ts';
import { progressBar } from '../progress.ts';
import { scenariosText } from '../scenariosText.ts';

/** Replications unless --replications says otherwise: enough for the 95 % intervals to mean something. */
export const DEFAULT_SCENARIO_REPLICATIONS = 20;

export const scenariosCommand = defineCommand({
  name: 'scenarios',
  summary:
    "Compare a twin's scenarios (a warehouse with one more picker, a peak day…) on common random numbers and write an HTML report.",
  details: [
    'Reads a model file whose "kind" names the twin (warehouse, ...) and a scenario file of that twin,',
    "runs the baseline, every scenario, the twin's sensitivity cases and one more unit of each resource",
    '(the bottleneck, measured) on the same random numbers, and prints the scenarios ranked by the',
    "objective with each KPI's mean, 95 % interval and difference to the baseline. A scenario whose",
    'difference lies inside the noise is marked so, never ranked above the baseline. Reference: docs/scenarios.md.',
    'Example: twin scenarios --model examples/models/warehouse.json --scenarios examples/scenarios/warehouse.json --out report.html',
  ].join('\n'),
  options: {
    model: {
      type: 'string',
      value: 'FILE',
      description: 'model file (JSON) with its "kind"',
      required: true,
    },
    scenarios: { type: 'string', value: 'FILE', description: 'scenario file (JSON)', required: true },
    replications: {
      type: 'string',
      value: 'N',
      description: `replications per scenario, 2 to ${shownLimit(MAX_REPLICATIONS)}`,
      default: String(DEFAULT_SCENARIO_REPLICATIONS),
    },
    seed: { type: 'string', value: 'S', description: 'seed of the draws: a whole number', default: '1' },
    objective: {
      type: 'string',
      value: 'KEYS',
      description:
        "KPI keys that rank the scenarios, compared in turn, comma-separated (default: the twin's)",
    },
    out: { type: 'string', value: 'FILE', description: 'write the HTML report to FILE' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run(values, io) {
    const replications = rangedNumberOption('replications', values.replications, {
      min: 2,
      max: MAX_REPLICATIONS,
      whole: true,
    })!;
    const seed = rangedNumberOption('seed', values.seed, {
      min: -Number.MAX_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
      whole: true,
    })!;
    const out = outputFileOption('out', values.out);
    const modelFile = values.model!;
    const scenariosFile = values.scenarios!;

    const rawModel = await readJson(modelFile);
    const kind =
      typeof rawModel === 'object' && rawModel !== null && !Array.isArray(rawModel)
        ? (rawModel as { kind?: unknown }).kind
        : undefined;
    if (typeof kind !== 'string')
      throw new CliError(
        `${modelFile}: kind: needs the kind of twin it models, one of ${twinKinds().join(', ')}`,
      );
    const twin = twinOfKind(kind);
    if (twin === undefined)
      throw new CliError(
        `${modelFile}: kind: "${kind}" is not a twin this command knows (known: ${twinKinds().join(', ')})`,
      );
    const model = inFile(modelFile, () => twin.parseModel(rawModel));
    const rawScenarios = await readJson(scenariosFile);
    const scenarios = inFile(scenariosFile, () => twin.parseScenarios(rawScenarios, model));
    const objective = values.objective
      ?.split(',')
      .map((k) => k.trim())
      .filter(Boolean);

    let report: ReturnType<typeof runScenarios>;
    try {
      report = runScenarios(twin, model, scenarios, {
        replications,
        seed,
        ...(objective !== undefined && { objective }),
        onProgress: progressBar(io, 'replications'),
      });
    } catch (error) {
      if (io.interactive) io.err('\r\x1b[K');
      if (error instanceof ScenarioError && error.message.startsWith('objective:'))
        throw new CliError(`--${error.message}`);
      if (error instanceof ScenarioError || error instanceof SimulationLimitError)
        throw new CliError(`${modelFile}: ${error.message}`, 2, { cause: error });
      throw error;
    }

    const name = (model as { name?: unknown }).name;
    const title = `${kind} scenarios${typeof name === 'string' ? `: ${name}` : ''}`;
    if (out !== undefined) {
      const html = scenarioReportHtml(report, {
        title,
        source: { model: modelFile, scenarios: scenariosFile },
      });
      try {
        await writeFile(out, html);
      } catch (error) {
        throw new CliError(`--out ${out}: cannot write: ${(error as Error).message}`);
      }
    }
    io.out(
      values.json
        ? jsonText(report, io)
        : `${scenariosText(report, `${title} (${modelFile})`)}${out === undefined ? '' : `\n\nReport: ${out}`}`,
    );
    return 0;
  },
});

/** Runs a twin's parser on a file's contents; what it refuses is one line naming the file. */
function inFile<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(`${file}: ${error.message}`, 2, { cause: error });
    throw error;
  }
}
