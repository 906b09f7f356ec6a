// The observer's settings that the cost on paper counts too (lib/costSettings.ts): constants alone,
// free of the AWS SDK and the simulation, so that `twin cost` loads quickly.

/** Horizons compared when none are given: 5 minutes to an hour ahead. */
export const DEFAULT_HORIZONS_MS = [5, 15, 30, 60].map((m) => m * 60_000);

/**
 * History items a lookup reads at most: the forecasts made since the newest one learned before the
 * time asked (each a head, and chunks and recommendations), which a lookup reads to join what the
 * lookups before it learned.
 */
export const LOOKUP_PAGE = 8;
