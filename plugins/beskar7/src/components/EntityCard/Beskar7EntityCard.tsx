import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Flex, Link, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import {
  BESKAR7_HOST_ID_ANNOTATION,
  BESKAR7_POOL_ANNOTATION,
} from '@beskar7/backstage-plugin-beskar7-common';
import { beskar7ApiRef } from '../../api';
import { vendorModel } from '../shared/hostColumns';
import { StateBar } from '../shared/HostsByState';
import { Loadable } from '../shared/Loadable';
import { usePaths } from '../shared/paths';
import { Section } from '../shared/Section';
import { StateChip } from '../shared/StateChip';

/**
 * The live state behind a catalog entity the Beskar7 entity provider
 * published: a host's state and hardware, or a pool's counts.
 */
export const Beskar7EntityCard = () => {
  const { entity } = useEntity();
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const annotations = entity.metadata.annotations ?? {};
  const hostId = annotations[BESKAR7_HOST_ID_ANNOTATION];
  const pool = annotations[BESKAR7_POOL_ANNOTATION];
  const state = useAsync(async () => {
    if (hostId) return { host: await api.getHost(hostId) };
    const pools = await api.listPools();
    return { pool: pools.find(p => p.pool === pool) };
  }, [api, hostId, pool]);

  return (
    <Section title="Bare metal (Beskar7)">
      <Loadable {...state}>
        {({ host, pool: summary }) =>
          host ? (
            <Flex direction="column" gap="2">
              <Flex align="center" gap="2">
                <Text>State</Text>
                <StateChip value={host.state} />
              </Flex>
              <Text>
                {vendorModel(host) || 'Not inspected yet'} ·{' '}
                {host.hardware.cpuCores ?? '?'} cores ·{' '}
                {host.hardware.memoryGiB ?? '?'} GiB
              </Text>
              <Link href={paths.host(host.id)}>Open in Beskar7</Link>
            </Flex>
          ) : (
            <Flex direction="column" gap="2">
              <Text>
                {summary
                  ? `${summary.total} hosts, ${
                      summary.byState.Available
                    } Available, ${Math.round(
                      summary.utilisation * 100,
                    )}% in use`
                  : `Pool ${pool} has no hosts`}
              </Text>
              {summary && (
                <StateBar byState={summary.byState} label={`Pool ${pool}`} />
              )}
              <Link
                href={`${paths.hosts}?pool=${encodeURIComponent(pool ?? '')}`}
              >
                Open in Beskar7
              </Link>
            </Flex>
          )
        }
      </Loadable>
    </Section>
  );
};
