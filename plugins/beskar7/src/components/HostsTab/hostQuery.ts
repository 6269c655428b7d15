import {
  HOST_SORT_FIELDS,
  HOST_STATES,
  HostSortField,
  HostState,
  ListHostsQuery,
} from '@beskar7/backstage-plugin-beskar7-common';

/** What the host list shows, kept in the page's URL so that links can open it filtered. */
export interface HostListView {
  state?: HostState;
  pool?: string;
  tag?: string;
  text?: string;
  /** `namespace/name` of a Cluster API cluster. */
  cluster?: string;
  orderBy?: HostSortField;
  order?: 'asc' | 'desc';
  offset: number;
}

const oneOf = <T extends string>(values: readonly T[], v: string | null) =>
  values.includes(v as T) ? (v as T) : undefined;

export function readView(params: URLSearchParams): HostListView {
  const offset = Number(params.get('offset') ?? 0);
  return {
    state: oneOf(HOST_STATES, params.get('state')),
    pool: params.get('pool') || undefined,
    tag: params.get('tag') || undefined,
    text: params.get('text') || undefined,
    cluster: params.get('cluster') || undefined,
    orderBy: oneOf(HOST_SORT_FIELDS, params.get('orderBy')),
    order: oneOf(['asc', 'desc'] as const, params.get('order')),
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

export function writeView(view: HostListView): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(view)) {
    if (value !== undefined && value !== '' && value !== 0) {
      params.set(key, String(value));
    }
  }
  return params;
}

/** The API query for a view: every filter and the sort go to the server. */
export function toQuery(view: HostListView, limit: number): ListHostsQuery {
  return {
    state: view.state && [view.state],
    pool: view.pool,
    text: view.text,
    cluster: view.cluster,
    tags: view.tag ? [view.tag] : undefined,
    orderBy: view.orderBy,
    order: view.orderBy ? view.order ?? 'asc' : undefined,
    offset: view.offset,
    limit,
  };
}
