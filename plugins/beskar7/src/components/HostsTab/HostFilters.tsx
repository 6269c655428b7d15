import { HOST_STATES } from '@beskar7/backstage-plugin-beskar7-common';
import { Flex, SearchField, Select, TextField } from '@backstage/ui';
import { HostListView } from './hostQuery';

const ANY = 'any';

/** Filters of the host list; every change goes to the server as a query. */
export const HostFilters = ({
  value,
  pools,
  onChange,
}: {
  value: HostListView;
  pools: string[];
  onChange: (value: Partial<HostListView>) => void;
}) => (
  <Flex gap="3" align="end" role="search" aria-label="Filter hosts">
    <Select
      label="State"
      selectionMode="single"
      options={[
        { id: ANY, label: 'Any state' },
        ...HOST_STATES.map(s => ({ id: s, label: s })),
      ]}
      value={value.state ?? ANY}
      onChange={key =>
        onChange({
          state:
            key === ANY || !key ? undefined : (key as HostListView['state']),
        })
      }
    />
    <Select
      label="Pool"
      selectionMode="single"
      options={[
        { id: ANY, label: 'Any pool' },
        ...pools.map(p => ({ id: p, label: p })),
      ]}
      value={value.pool ?? ANY}
      onChange={key =>
        onChange({ pool: key === ANY || !key ? undefined : String(key) })
      }
    />
    <TextField
      label="Tag"
      size="small"
      value={value.tag ?? ''}
      onChange={tag => onChange({ tag: tag || undefined })}
    />
    <SearchField
      label="Search hosts"
      size="small"
      placeholder="name, model, serial"
      value={value.text ?? ''}
      onChange={text => onChange({ text: text || undefined })}
    />
  </Flex>
);
