export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A Redfish error body, as real BMCs send it. */
export function redfishError(
  status: number,
  messageId: string,
  message: string,
): SimResponse {
  return {
    status,
    body: {
      error: {
        code: `Base.1.8.${messageId}`,
        message,
        '@Message.ExtendedInfo': [
          {
            MessageId: `Base.1.8.${messageId}`,
            Message: message,
            Severity: 'Warning',
          },
        ],
      },
    },
  };
}

export const noContent: SimResponse = { status: 204 };
