/**
 * Whether two values serialise to the same JSON, whatever their key order:
 * how the API server would see them. (isDeepStrictEqual also compares
 * prototypes, which differ between objects parsed in different realms.)
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}
