// The `plant` query parameter of the API: which plant of the deployment a request is about. Without
// it a request is about the default plant, so clients of a deployment of one plant never name one.
import type { Context, MiddlewareHandler } from 'hono';
import { DEFAULT_PLANT, isPlantId, PLANT_ID_RULE } from '../contracts/plants.ts';

/** Why `plant` is not a plant id, or undefined when it is one (or absent). */
export function plantIdProblem(plant: unknown): string | undefined {
  if (plant === undefined) return undefined;
  if (typeof plant === 'string' && isPlantId(plant)) return undefined;
  return `plant ${JSON.stringify(plant)} is not a plant id: it ${PLANT_ID_RULE}`;
}

/** Answers 400 naming the `plant` parameter when it is not a plant id; lets the request through otherwise. */
export const requirePlantParameter: MiddlewareHandler = async (c, next) => {
  const problem = plantIdProblem(c.req.query('plant'));
  if (problem === undefined) return next();
  return c.json({ error: 'bad-request', message: problem }, 400, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
};

/** The plant a request (checked by `requirePlantParameter`) is about. */
export function plantOf(c: Context): string {
  return c.req.query('plant') ?? DEFAULT_PLANT;
}
