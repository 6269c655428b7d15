import { ResponseError } from '@backstage/errors';

/**
 * The message to show a person: for an API error, the backend's own
 * message (which names the bad field), not "Request failed with 400".
 */
export function describeError(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.cause?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
