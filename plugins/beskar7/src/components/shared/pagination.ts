import { Page } from '@beskar7/backstage-plugin-beskar7-common';
import { PagePagination } from '@backstage/ui';

/** TablePagination's props for a server-side page: previous/next move the offset. */
export function pagePagination(
  page: Page<unknown> | undefined,
  pageSize: number,
  onOffset: (offset: number) => void,
): PagePagination {
  const offset = page?.offset ?? 0;
  const total = page?.totalCount ?? 0;
  return {
    type: 'page',
    pageSize,
    offset,
    totalCount: total,
    hasPreviousPage: offset > 0,
    hasNextPage: offset + pageSize < total,
    onPreviousPage: () => onOffset(Math.max(0, offset - pageSize)),
    onNextPage: () => onOffset(offset + pageSize),
    pageSizeOptions: [pageSize],
    showPageSizeOptions: false,
  };
}
