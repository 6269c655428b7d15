import { isError } from '@backstage/errors';

/**
 * The scaffolder shows an error's message; a ResponseError's message is only
 * the HTTP status, so the API's own explanation (its cause) is put first.
 */
export async function explained<T>(
  doing: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isError(error) && error.name === 'ResponseError') {
      const { cause, statusCode } = error as Error & {
        cause?: Error;
        statusCode?: number;
      };
      throw new Error(
        `Could not ${doing}: ${
          cause?.message ?? error.message
        } (HTTP ${statusCode})`,
        { cause: error },
      );
    }
    throw error;
  }
}
