import { LatencySummary } from '@beskar7/backstage-plugin-beskar7-common';
import { Text } from '@backstage/ui';
import { formatMs } from './format';

/**
 * p50 and p95 per group (vendor, operation) as bars on one scale, the
 * numbers written beside them: which vendor is slow shows at a glance.
 */
export const LatencyBars = ({
  title,
  rows,
  emptyText,
}: {
  title: string;
  rows: Array<LatencySummary & { name: string }>;
  emptyText: string;
}) => {
  const top = Math.max(0, ...rows.map(r => r.p95Ms ?? 0)) || 1;
  return (
    <figure style={{ margin: 0 }} aria-label={title}>
      <figcaption>
        <Text variant="body-small" weight="bold">
          {title}
        </Text>
      </figcaption>
      {rows.length === 0 && <Text variant="body-small">{emptyText}</Text>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {rows.map(r => (
          <li key={r.name} style={{ marginBottom: 6 }}>
            <Text variant="body-small">
              {r.name}: p50 {formatMs(r.p50Ms)}, p95 {formatMs(r.p95Ms)} (
              {r.count} op{r.count === 1 ? '' : 's'})
            </Text>
            <svg
              aria-hidden
              viewBox="0 0 100 8"
              preserveAspectRatio="none"
              width="100%"
              height={8}
            >
              <rect
                width={((r.p95Ms ?? 0) / top) * 100}
                height={8}
                fill="#90caf9"
              />
              <rect
                width={((r.p50Ms ?? 0) / top) * 100}
                height={8}
                fill="#1565c0"
              />
            </svg>
          </li>
        ))}
      </ul>
    </figure>
  );
};
