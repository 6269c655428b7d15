import {
  HOST_STATES,
  HostState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Flex, Link, Text } from '@backstage/ui';
import { segmentClass, StateChip } from './StateChip';
import styles from './HostsByState.module.css';

/** A share as a whole percentage, with "<1%" for a few hosts of many. */
export function percentOf(count: number, total: number): string {
  if (total === 0 || count === 0) return '0%';
  const share = (count / total) * 100;
  return share < 1 ? '<1%' : `${Math.round(share)}%`;
}

/** The fleet (or a pool) as one bar, a segment per state in the state's colour. */
export const StateBar = ({
  byState,
  label,
}: {
  byState: Record<HostState, number>;
  label: string;
}) => {
  const present = HOST_STATES.filter(s => (byState[s] ?? 0) > 0);
  const total = present.reduce((n, s) => n + byState[s], 0);
  return (
    <div
      className={styles.bar}
      role="img"
      aria-label={`${label}: ${
        present.map(s => `${byState[s]} ${s}`).join(', ') || 'no hosts'
      }`}
    >
      {present.map(s => (
        <div
          key={s}
          className={segmentClass(s)}
          style={{ width: `${(byState[s] / total) * 100}%` }}
          title={`${s}: ${byState[s]}`}
        />
      ))}
    </div>
  );
};

const Row = ({
  state,
  count,
  total,
  children,
}: {
  state: HostState;
  count: number;
  total: number;
  children: JSX.Element;
}) => (
  <>
    <StateChip value={state} />
    <Text variant="body-small" color="secondary">
      {percentOf(count, total)}
    </Text>
    <Text variant="body-small" className={styles.count}>
      {children}
    </Text>
  </>
);

/**
 * Hosts by state as one stacked bar (the fleet's state by colour at a
 * glance) over a small table of counts and shares; each state links to
 * the host list filtered by it.
 */
export const HostsByState = ({
  byState,
  hostsPath,
  label = 'Hosts by state',
  pool,
}: {
  byState: Record<HostState, number>;
  /** The host list; `?state=` (and `&pool=`) are appended. */
  hostsPath: string;
  label?: string;
  pool?: string;
}) => {
  const total = HOST_STATES.reduce((n, s) => n + (byState[s] ?? 0), 0);
  const link = (state: HostState) =>
    `${hostsPath}?state=${state}${
      pool ? `&pool=${encodeURIComponent(pool)}` : ''
    }`;
  return (
    <Flex direction="column" gap="3" aria-label={label} role="group">
      <StateBar byState={byState} label={label} />
      <div className={styles.rows}>
        {HOST_STATES.map(s => (
          <Row key={s} state={s} count={byState[s] ?? 0} total={total}>
            <Link href={link(s)} aria-label={`${byState[s] ?? 0} ${s} hosts`}>
              {byState[s] ?? 0}
            </Link>
          </Row>
        ))}
        <Text variant="body-small" weight="bold">
          Total
        </Text>
        <span />
        <Text variant="body-small" weight="bold" className={styles.count}>
          {total}
        </Text>
      </div>
    </Flex>
  );
};
