import { useApi } from '@backstage/frontend-plugin-api';
import {
  MachineRequest,
  OS_FAMILIES,
  OsFamily,
  PROVISIONING_MODES,
  ProvisioningMode,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Button, Flex, Text } from '@backstage/ui';
import { FormEvent, useState } from 'react';
import { beskar7ApiRef, describeError } from '../../api';

const numberOrUndefined = (v: string) => (v === '' ? undefined : Number(v));

/**
 * Requests `count` machines named `<prefix>-<n>`. The API validates: its
 * message (which names the field) is shown as it comes.
 */
export const RequestMachineForm = ({
  onRequested,
}: {
  onRequested: () => void;
}) => {
  const api = useApi(beskar7ApiRef);
  const [form, setForm] = useState({
    prefix: '',
    count: '1',
    pool: '',
    imageUrl: '',
    configUrl: '',
    osFamily: 'kairos' as OsFamily,
    provisioningMode: 'RemoteConfig' as ProvisioningMode,
    minCpuCores: '',
    minMemoryGiB: '',
    label: '',
  });
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (value: string) =>
    setForm(f => ({ ...f, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setResult(undefined);
    setBusy(true);
    const [labelKey, labelValue] = form.label.split('=', 2);
    try {
      const names: string[] = [];
      for (let i = 0; i < Number(form.count); i++) {
        const request: MachineRequest = {
          name: `${form.prefix}-${i}`,
          imageUrl: form.imageUrl,
          configUrl: form.configUrl || undefined,
          osFamily: form.osFamily,
          provisioningMode: form.provisioningMode,
          requirements: {
            pool: form.pool || undefined,
            minCpuCores: numberOrUndefined(form.minCpuCores),
            minMemoryGiB: numberOrUndefined(form.minMemoryGiB),
            selector: form.label
              ? { matchLabels: { [labelKey]: labelValue ?? '' } }
              : undefined,
          },
        };
        names.push((await api.requestMachine(request)).name);
      }
      setResult(`Requested ${names.join(', ')}`);
      onRequested();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const field = (key: keyof typeof form, label: string, type = 'text') => (
    <label>
      {label}{' '}
      <input
        aria-label={label}
        type={type}
        value={form[key]}
        onChange={e => set(key)(e.target.value)}
      />
    </label>
  );

  return (
    <form onSubmit={submit} aria-label="request machines">
      <Flex direction="column" gap="2">
        <Flex gap="4">
          {field('prefix', 'Name prefix')}
          {field('count', 'Count', 'number')}
          {field('pool', 'Pool')}
          {field('label', 'Label (key=value)')}
          {field('minCpuCores', 'Min CPU cores', 'number')}
          {field('minMemoryGiB', 'Min memory GiB', 'number')}
        </Flex>
        <Flex gap="4">
          {field('imageUrl', 'Image URL')}
          {field('configUrl', 'Config URL')}
          <label>
            OS family{' '}
            <select
              aria-label="OS family"
              value={form.osFamily}
              onChange={e => set('osFamily')(e.target.value)}
            >
              {OS_FAMILIES.map(o => (
                <option key={o}>{o}</option>
              ))}
            </select>
          </label>
          <label>
            Provisioning mode{' '}
            <select
              aria-label="Provisioning mode"
              value={form.provisioningMode}
              onChange={e => set('provisioningMode')(e.target.value)}
            >
              {PROVISIONING_MODES.map(m => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
        </Flex>
        <Flex gap="2" align="center">
          <Button type="submit" isDisabled={busy}>
            Request
          </Button>
          {error && (
            <Text color="danger" role="alert">
              {error}
            </Text>
          )}
          {result && <Text role="status">{result}</Text>}
        </Flex>
      </Flex>
    </form>
  );
};
