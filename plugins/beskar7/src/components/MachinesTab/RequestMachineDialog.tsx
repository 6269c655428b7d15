import { useApi } from '@backstage/frontend-plugin-api';
import {
  MachineRequest,
  OS_FAMILIES,
  OsFamily,
  PROVISIONING_MODES,
  ProvisioningMode,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  DialogTrigger,
  Flex,
  Grid,
  NumberField,
  Select,
  Text,
  TextField,
} from '@backstage/ui';
import { FormEvent, Key, useState } from 'react';
import { beskar7ApiRef, describeError } from '../../api';
import { fieldErrors } from './fieldErrors';

interface FormState {
  prefix: string;
  count: number;
  pool: string;
  label: string;
  minCpuCores?: number;
  minMemoryGiB?: number;
  imageUrl: string;
  configUrl: string;
  osFamily: OsFamily;
  provisioningMode: ProvisioningMode;
}

type TextKey = 'prefix' | 'pool' | 'label' | 'imageUrl' | 'configUrl';

const EMPTY: FormState = {
  prefix: '',
  count: 1,
  pool: '',
  label: '',
  imageUrl: '',
  configUrl: '',
  osFamily: 'kairos',
  provisioningMode: 'RemoteConfig',
};

/** The API's field path for each field of the form. */
const API_FIELD: Partial<Record<keyof FormState, string>> = {
  prefix: 'name',
  pool: 'requirements.pool',
  label: 'requirements.selector',
  minCpuCores: 'requirements.minCpuCores',
  minMemoryGiB: 'requirements.minMemoryGiB',
  imageUrl: 'imageUrl',
  configUrl: 'configUrl',
  osFamily: 'osFamily',
  provisioningMode: 'provisioningMode',
};

const toRequest = (form: FormState, i: number): MachineRequest => {
  const [labelKey, labelValue] = form.label.split('=', 2);
  return {
    name: `${form.prefix}-${i}`,
    imageUrl: form.imageUrl,
    configUrl: form.configUrl || undefined,
    osFamily: form.osFamily,
    provisioningMode: form.provisioningMode,
    requirements: {
      pool: form.pool || undefined,
      minCpuCores: form.minCpuCores,
      minMemoryGiB: form.minMemoryGiB,
      selector: form.label
        ? { matchLabels: { [labelKey]: labelValue ?? '' } }
        : undefined,
    },
  };
};

/**
 * Requests `count` machines named `<prefix>-<n>`, in a dialog. The API
 * validates: its message shows next to the field it names.
 */
export const RequestMachineDialog = ({
  onRequested,
}: {
  onRequested: () => void;
}) => {
  const api = useApi(beskar7ApiRef);
  const [form, setForm] = useState<FormState>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string>();
  const [result, setResult] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set =
    <K extends keyof FormState>(key: K) =>
    (value: FormState[K]) =>
      setForm(f => ({ ...f, [key]: value }));

  /** A field's validation props: the API's message for it, if any. */
  const check = (key: keyof FormState) => {
    const path = API_FIELD[key] ?? key;
    const message = Object.entries(errors).find(
      ([field]) => field === path || field.startsWith(`${path}.`),
    )?.[1];
    return {
      name: key,
      // Shown at once (not on submit) by the field's own error slot.
      validationBehavior: 'aria' as const,
      validate: () => message ?? null,
    };
  };

  /** A text field's value, change and validation. */
  const text = (key: TextKey) => ({
    value: form[key],
    onChange: set(key),
    ...check(key),
  });
  /** An optional number field's: empty is no requirement. */
  const optionalNumber = (key: 'minCpuCores' | 'minMemoryGiB') => ({
    minValue: 1,
    value: form[key] ?? NaN,
    onChange: (v: number) => set(key)(Number.isNaN(v) ? undefined : v),
    ...check(key),
  });
  /** A single choice among `values`. */
  const choice = <K extends 'osFamily' | 'provisioningMode'>(
    key: K,
    values: readonly FormState[K][],
  ) => ({
    selectionMode: 'single' as const,
    options: values.map(v => ({ id: v, label: v })),
    value: form[key],
    onChange: (v: Key | null) => v && set(key)(v as FormState[K]),
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setGeneral(undefined);
    setResult(undefined);
    setBusy(true);
    try {
      const names: string[] = [];
      for (let i = 0; i < form.count; i++) {
        names.push((await api.requestMachine(toRequest(form, i))).name);
      }
      setResult(`Requested ${names.join(', ')}`);
      onRequested();
    } catch (e) {
      const parsed = fieldErrors(describeError(e));
      setErrors(parsed.fields);
      setGeneral(parsed.general);
    } finally {
      setBusy(false);
    }
  };

  return (
    <DialogTrigger>
      <Button variant="primary">Request machines</Button>
      <Dialog width={720}>
        <form onSubmit={submit} aria-label="request machines" noValidate>
          <DialogHeader>Request machines</DialogHeader>
          <DialogBody>
            <Flex direction="column" gap="4">
              <Grid.Root columns={{ initial: '1', sm: '2' }} gap="3">
                <TextField
                  label="Name prefix"
                  description="Machines are named <prefix>-0, <prefix>-1, ..."
                  isRequired
                  {...text('prefix')}
                />
                <NumberField
                  label="Count"
                  minValue={1}
                  maxValue={50}
                  value={form.count}
                  onChange={v => set('count')(Number.isNaN(v) ? 1 : v)}
                />
                <TextField
                  label="Image URL"
                  isRequired
                  type="url"
                  {...text('imageUrl')}
                />
                <TextField
                  label="Config URL"
                  type="url"
                  {...text('configUrl')}
                />
                <Select
                  label="OS family"
                  {...choice('osFamily', OS_FAMILIES)}
                />
                <Select
                  label="Provisioning mode"
                  {...choice('provisioningMode', PROVISIONING_MODES)}
                />
              </Grid.Root>
              <Text as="h3" variant="title-x-small">
                Host requirements
              </Text>
              <Grid.Root columns={{ initial: '1', sm: '2' }} gap="3">
                <TextField label="Pool" {...text('pool')} />
                <TextField label="Label (key=value)" {...text('label')} />
                <NumberField
                  label="Min CPU cores"
                  {...optionalNumber('minCpuCores')}
                />
                <NumberField
                  label="Min memory"
                  description="GiB"
                  {...optionalNumber('minMemoryGiB')}
                />
              </Grid.Root>
              {general && (
                <Alert status="danger" icon title={general} role="alert" />
              )}
              {result && (
                <Alert status="success" icon title={result} role="status" />
              )}
            </Flex>
          </DialogBody>
          <DialogFooter>
            <Flex gap="2" justify="end">
              <Button variant="secondary" slot="close">
                Close
              </Button>
              <Button type="submit" isDisabled={busy}>
                Request
              </Button>
            </Flex>
          </DialogFooter>
        </form>
      </Dialog>
    </DialogTrigger>
  );
};
