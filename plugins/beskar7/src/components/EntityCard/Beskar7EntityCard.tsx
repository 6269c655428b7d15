import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import {
  BESKAR7_HOST_ID_ANNOTATION,
  BESKAR7_POOL_ANNOTATION,
} from '@beskar7/backstage-plugin-beskar7-common';
import { beskar7ApiRef } from '../../api';
import { vendorModel } from '../shared/HostCells';
import { Loadable } from '../shared/Loadable';
import { StatusLabel } from '../shared/StatusLabel';

/**
 * The live state behind a catalog entity the Beskar7 entity provider
 * published: a host's state and hardware, or a pool's counts.
 */
export const Beskar7EntityCard = () => {
  const { entity } = useEntity();
  const api = useApi(beskar7ApiRef);
  const annotations = entity.metadata.annotations ?? {};
  const hostId = annotations[BESKAR7_HOST_ID_ANNOTATION];
  const pool = annotations[BESKAR7_POOL_ANNOTATION];
  const state = useAsync(async () => {
    if (hostId) return { host: await api.getHost(hostId) };
    const pools = await api.listPools();
    return { pool: pools.find(p => p.pool === pool) };
  }, [api, hostId, pool]);

  return (
    <InfoCard title="Bare metal (Beskar7)">
      <Loadable {...state}>
        {({ host, pool: summary }) =>
          host ? (
            <>
              <Text>
                State: <StatusLabel value={host.state} />
              </Text>
              <Text>
                {vendorModel(host)} · {host.hardware.cpuCores ?? '?'} cores ·{' '}
                {host.hardware.memoryGiB ?? '?'} GiB
              </Text>
              <Link to={`/beskar7/hosts/${host.id}`}>Open in Beskar7</Link>
            </>
          ) : (
            <>
              <Text>
                {summary
                  ? `${summary.total} hosts, ${
                      summary.byState.Available
                    } Available, ${Math.round(
                      summary.utilisation * 100,
                    )}% in use`
                  : `Pool ${pool} has no hosts`}
              </Text>
              <Link to="/beskar7/hosts">Open in Beskar7</Link>
            </>
          )
        }
      </Loadable>
    </InfoCard>
  );
};
