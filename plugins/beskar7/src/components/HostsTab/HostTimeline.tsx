import { HostEvent } from '@beskar7/backstage-plugin-beskar7-common';
import { Box, Flex, Text } from '@backstage/ui';
import { StateChip } from '../shared/StateChip';
import styles from './HostTimeline.module.css';

/** A host's state changes, newest first, each with its time and reason. */
export const HostTimeline = ({ events }: { events: HostEvent[] }) => {
  if (events.length === 0) {
    return <Text color="secondary">No state change recorded yet.</Text>;
  }
  const newestFirst = [...events].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
  return (
    <Box as="ol" className={styles.timeline} aria-label="state history">
      {newestFirst.map(e => (
        <Box as="li" key={e.id} className={styles.event}>
          <Flex align="center" gap="2">
            <Text variant="body-small" color="secondary">
              {new Date(e.createdAt).toLocaleString()}
            </Text>
            {e.fromState ? <StateChip value={e.fromState} /> : null}
            <Text variant="body-small" aria-hidden>
              →
            </Text>
            <StateChip value={e.toState} />
          </Flex>
          <Text variant="body-small">
            {e.reason}
            {e.message ? `: ${e.message}` : ''}
          </Text>
        </Box>
      ))}
    </Box>
  );
};
