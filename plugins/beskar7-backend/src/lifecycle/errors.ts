import { ConflictError } from '@backstage/errors';

/**
 * The requested state change is not in the table, or its guard refused it.
 * It keeps ConflictError's name so that the API answers 409.
 */
export class InvalidTransitionError extends ConflictError {}
