// Ids must be well-formed Unicode: DynamoDB stores strings as UTF-8, where a lone surrogate becomes
// U+FFFD, so two ids that differ only there would be one item on DynamoDB and two in memory.

/** Whether `text` is well-formed UTF-16 (no lone surrogate): ES2024's `String.prototype.isWellFormed`. */
export function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** What an id must be, as an error message says it. */
export const WELL_FORMED_RULE =
  'must be well-formed Unicode: it has a lone surrogate (an unpaired \\uD800-\\uDFFF)';
