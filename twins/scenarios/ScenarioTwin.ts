// What a twin hosted on the engine gives the scenario runner (`twin scenarios`): its model file and
// scenario files parsed and checked, its KPIs, and one replication of a scenario on a seed. The runner
// does the rest for every such twin alike: common random numbers, confidence intervals, ranking by an
// objective, sensitivity, the report.

/** One key performance indicator a twin reports per replication. */
export interface KpiSpec {
  key: string;
  /** For a person: "Mean fulfilment time". */
  label: string;
  /** Its unit, as the report prints it: "h", "%", "units", "$/day". */
  unit?: string;
  /** Which way is better. */
  better: 'lower' | 'higher';
  /** A headline KPI: drawn as a box plot in the report. */
  main?: boolean;
}

/** A scenario of a scenario file: a name, a description, and the twin's own changes to its model. */
export interface Scenario<C = unknown> {
  name: string;
  description?: string;
  changes: C;
}

/** The outcome of one replication of one scenario. */
export interface Replication {
  /** Every KPI of `ScenarioTwin.kpis`, by key. */
  kpis: Record<string, number>;
  /** Kernel events the run took. */
  events: number;
}

export interface ScenarioTwin<M = unknown, C = unknown> {
  /** The `kind` of its model files: "product-delivery", "warehouse". */
  kind: string;
  /** Its model file, checked (zod): a ScenarioError naming what is wrong otherwise. */
  parseModel(json: unknown): M;
  /** Its scenario file, checked against the model (unknown centers, stations, ... refused by name). */
  parseScenarios(json: unknown, model: M): Scenario<C>[];
  kpis: readonly KpiSpec[];
  /** KPI keys, in order of importance: what "recommended" means unless the user says otherwise. */
  defaultObjective: readonly string[];
  /**
   * One replication of `scenario` (undefined: the model as it is), drawn from `seed` and the
   * replication's number on common random numbers: the same entity's same activity draws the same in
   * every scenario (sim-core's KeyedStreams). A pure function of its arguments; always ends.
   */
  run(model: M, scenario: Scenario<C> | undefined, seed: number, replication: number): Replication;
  /** The sensitivity cases: demand ±20 %, each resource one unit down, ... as scenarios of their own. */
  sensitivity(model: M): Scenario<C>[];
  /**
   * Candidate bottleneck experiments: one more unit of each resource, as scenarios; the runner measures
   * which buys the most of the objective (the bottleneck, measured, not guessed). Empty if none applies.
   */
  bottleneckCandidates(model: M): { resource: string; scenario: Scenario<C> }[];
  /** The model's assumptions, in plain sentences, for the report. */
  assumptions(model: M): string[];
}

/** A model or scenario file that is not what the twin expects: the message names the field. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}
