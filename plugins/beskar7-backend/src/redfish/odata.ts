/** Helpers for reading Redfish resources, which vendors fill in unevenly. */

export type Resource = Record<string, any>;

/** The `@odata.id` of a link property, when present. */
export function linkOf(value: unknown): string | undefined {
  const id = (value as { '@odata.id'?: unknown } | null | undefined)?.[
    '@odata.id'
  ];
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** The `@odata.id`s of a collection's members. */
export function memberLinks(collection: Resource | undefined): string[] {
  const members = collection?.Members;
  return Array.isArray(members)
    ? members.map(linkOf).filter((id): id is string => !!id)
    : [];
}

/** Vendors write "no image" as null, "" or "None". */
export function imageOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value !== 'None'
    ? value
    : undefined;
}
