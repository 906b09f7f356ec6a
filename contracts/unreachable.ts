// What the twin counts as an endpoint that cannot be reached: one rule, so that the command line and
// the dashboard name the same failures the same way.
import { isTransientError } from '@smithy/service-error-classification';

type SdkError = Parameters<typeof isTransientError>[0];

/** Whether any error in the chain of causes carries an HTTP response: then something did answer. */
function answered(error: SdkError, depth = 0): boolean {
  if (error.$metadata?.httpStatusCode !== undefined) return true;
  const cause = error.cause as SdkError | undefined;
  return depth < 10 && typeof cause === 'object' && cause !== null && answered(cause, depth + 1);
}

/**
 * Nothing answered: the SDK classifies the failure as transient (refused or broken connection,
 * unknown host, timeout, Node's socket and DNS codes included) and no HTTP response came back, so
 * a throttled or failing service, which did answer, is not counted.
 */
export function isUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkError;
  return !answered(e) && isTransientError(e);
}
