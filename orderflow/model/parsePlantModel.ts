// Loading a plant model: the schema, then what a schema cannot say (unique ids, references to
// stations and parameters, parameter values of the right kind). Every error names the JSON path.
import type * as z from 'zod';
import { otherFileProblem } from '../../contracts/fileKinds.ts';
import { plainIssue } from '../../contracts/zodIssues.ts';
import { FORBIDDEN_NAME, PARSE_ONCE } from '../../sim-core/blocks/distributions.ts';
import { ModelError } from '../../sim-core/kernel/errors.ts';
import { type PlantModel, PlantModelSchema } from './plantModel.ts';
import { resolveModel } from './resolveModel.ts';

/** `model.stations[1].capacity`: where in the file a problem is. */
export const jsonPath = (path: readonly PropertyKey[]): string =>
  `model${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;

/**
 * Validates raw JSON as a plant model; throws a ModelError naming the JSON path of the first problem
 * and what is wrong. A model that loads can be forecast with its own parameters.
 */
export function parsePlantModel(raw: unknown): PlantModel {
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'parameters')) {
    const parameters = (raw as { parameters: unknown }).parameters;
    // zod would drop a `__proto__` key of a record without a word.
    if (typeof parameters === 'object' && parameters !== null && Object.hasOwn(parameters, FORBIDDEN_NAME)) {
      throw new ModelError(
        `${jsonPath(['parameters'])}: "${FORBIDDEN_NAME}" is not allowed as a parameter name`,
      );
    }
  }
  const other = otherFileProblem(raw, 'plant model');
  if (other !== undefined) throw new ModelError(`model: ${other}`);
  const result = PlantModelSchema.safeParse(raw, { ...PARSE_ONCE, error: plainIssue });
  if (!result.success) throw new ModelError(describeIssue(result.error));
  const model = result.data;
  checkReferences(model);
  // Parameter values of the wrong kind (a name where a duration belongs...) are found by resolving.
  resolveModel(model);
  return model;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${jsonPath(issue.path)}: ${issue.message}`;
}

function checkReferences(model: PlantModel): void {
  const fail = (path: PropertyKey[], message: string): never => {
    throw new ModelError(`${jsonPath(path)}: ${message}`);
  };
  const param = (value: unknown, path: PropertyKey[]): void => {
    if (typeof value !== 'object' || value === null || !('param' in value)) return;
    const name = (value as { param: string }).param;
    if (!Object.hasOwn(model.parameters, name)) {
      const known = Object.keys(model.parameters);
      fail(
        [...path, 'param'],
        `unknown parameter "${name}" (${known.length === 0 ? 'the model has none' : `the model's: ${known.join(', ')}`})`,
      );
    }
  };
  const stations = new Set<string>();
  model.stations.forEach((station, i) => {
    if (stations.has(station.id)) fail(['stations', i, 'id'], `station "${station.id}" is declared twice`);
    stations.add(station.id);
    param(station.capacity, ['stations', i, 'capacity']);
    param(station.queueRule, ['stations', i, 'queueRule']);
    if (station.failures !== undefined) {
      param(station.failures.timeBetweenFailures, ['stations', i, 'failures', 'timeBetweenFailures']);
      param(station.failures.timeToRepair, ['stations', i, 'failures', 'timeToRepair']);
    }
  });
  const products = new Set<string>();
  model.products.forEach((product, p) => {
    if (products.has(product.id)) fail(['products', p, 'id'], `product "${product.id}" is declared twice`);
    products.add(product.id);
    const steps = new Set<string>();
    let material: number | undefined;
    product.routing.forEach((step, s) => {
      const path = ['products', p, 'routing', s];
      if (steps.has(step.step)) {
        fail(
          [...path, 'step'],
          `step "${step.step}" appears twice in the routing of product "${product.id}"`,
        );
      }
      steps.add(step.step);
      if (step.kind === 'material') {
        if (material !== undefined) {
          fail(
            [...path, 'kind'],
            `product "${product.id}" has a second material step (step "${product.routing[material]!.step}" is one): material events name no step, so a routing has at most one`,
          );
        }
        material = s;
        param(step.leadTime, [...path, 'leadTime']);
      } else {
        if (!stations.has(step.station)) {
          fail(
            [...path, 'station'],
            `unknown station "${step.station}" (${stations.size === 0 ? 'the model has none' : `the model's: ${[...stations].join(', ')}`})`,
          );
        }
        param(step.duration, [...path, 'duration']);
      }
    });
  });
  if (model.defaultProduct !== undefined && !products.has(model.defaultProduct)) {
    fail(['defaultProduct'], `unknown product "${model.defaultProduct}"`);
  }
  if (model.defaultProduct === undefined && model.products.length > 1) {
    fail(
      ['defaultProduct'],
      'required when the model has several products: the product of an order that names none',
    );
  }
  param(model.etaSlip, ['etaSlip']);
}
