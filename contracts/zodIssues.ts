// Zod's own wording of a field that is missing or of the wrong type, said plainly, for every file and
// event the twin reads: "required (string)", "expected array, got string".
import type * as z from 'zod';

/**
 * A zod error map (`schema.safeParse(value, { error: plainIssue })`): a missing field is "required",
 * a wrong type names what it got. A message of the schema's own comes first; other problems keep
 * zod's words.
 */
export function plainIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return `required (${issue.expected})`;
  const got = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : typeof issue.input;
  return `expected ${issue.expected}, got ${got}`;
}
