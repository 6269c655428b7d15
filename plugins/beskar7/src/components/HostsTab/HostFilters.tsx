import {
  HOST_STATES,
  HostState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Flex } from '@backstage/ui';

export interface HostFilterValues {
  state?: HostState;
  pool?: string;
  text?: string;
  tag?: string;
}

/** Filters of the host list; every change goes to the server as a query. */
export const HostFilters = ({
  value,
  pools,
  onChange,
}: {
  value: HostFilterValues;
  pools: string[];
  onChange: (value: HostFilterValues) => void;
}) => (
  <Flex gap="4" align="end" role="search">
    <label>
      State{' '}
      <select
        aria-label="State"
        value={value.state ?? ''}
        onChange={e =>
          onChange({
            ...value,
            state: (e.target.value || undefined) as HostState,
          })
        }
      >
        <option value="">any</option>
        {HOST_STATES.map(s => (
          <option key={s}>{s}</option>
        ))}
      </select>
    </label>
    <label>
      Pool{' '}
      <select
        aria-label="Pool"
        value={value.pool ?? ''}
        onChange={e =>
          onChange({ ...value, pool: e.target.value || undefined })
        }
      >
        <option value="">any</option>
        {pools.map(p => (
          <option key={p}>{p}</option>
        ))}
      </select>
    </label>
    <label>
      Tag{' '}
      <input
        aria-label="Tag"
        value={value.tag ?? ''}
        onChange={e => onChange({ ...value, tag: e.target.value || undefined })}
      />
    </label>
    <label>
      Search{' '}
      <input
        aria-label="Search hosts"
        placeholder="name, model, serial"
        value={value.text ?? ''}
        onChange={e =>
          onChange({ ...value, text: e.target.value || undefined })
        }
      />
    </label>
  </Flex>
);
