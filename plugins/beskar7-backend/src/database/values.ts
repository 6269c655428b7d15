/** Column value conversions shared by the stores (SQLite and PostgreSQL return different shapes). */

export function toIsoTimestamp(value: Date | string | number): string {
  return new Date(value).toISOString();
}

export function toOptionalIsoTimestamp(
  value: Date | string | number | null | undefined,
): string | undefined {
  return value === null || value === undefined
    ? undefined
    : toIsoTimestamp(value);
}

export function toOptional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

export function toOptionalNumber(
  value: number | string | null | undefined,
): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

export function parseJson<T>(value: string | T): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}
