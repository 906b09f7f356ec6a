// Lambda's event filtering (an event source mapping's FilterCriteria) for the patterns the stack uses:
// nested objects whose leaves are lists of `{ exists: true }` (or `{ exists: false }`) and plain
// values; a record passes when it matches any one pattern. Anything else in a pattern throws.

function leafMatches(rules: unknown[], value: unknown): boolean {
  return rules.some((rule) => {
    if (rule !== null && typeof rule === 'object' && 'exists' in rule) {
      return (rule as { exists: boolean }).exists === (value !== undefined);
    }
    return value === rule;
  });
}

/** Whether `value` (a record, as Lambda filters it) matches one filter pattern. */
export function patternMatches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return leafMatches(pattern, value);
  if (pattern === null || typeof pattern !== 'object') throw new Error('unsupported pattern');
  return Object.entries(pattern).every(([key, sub]) => {
    const child =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return patternMatches(sub, child);
  });
}

/** Whether `record` passes any of `patterns` (objects, or their JSON as a template's FilterCriteria has them). */
export function passesFilters(patterns: readonly unknown[], record: unknown): boolean {
  return patterns.some((p) => patternMatches(typeof p === 'string' ? JSON.parse(p) : p, record));
}
