import { useApi } from '@backstage/frontend-plugin-api';
import {
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  NumberField,
  Flex,
  Text,
} from '@backstage/ui';
import { FormEvent, useState } from 'react';
import { beskar7ApiRef } from '../../api';
import { useAction } from '../shared/useAction';

/** Sets a MachineDeployment's replicas: Cluster API adds or removes Machines, and Beskar7 claims or releases their hosts. */
export const ScaleDialog = ({
  namespace,
  cluster,
  machineDeployment,
  replicas,
  onScaled,
}: {
  namespace: string;
  cluster: string;
  machineDeployment: string;
  replicas: number;
  onScaled: () => void;
}) => {
  const api = useApi(beskar7ApiRef);
  const { run, busy } = useAction();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(replicas);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOpen(false);
    run(
      `Scale ${machineDeployment} to ${value}`,
      () =>
        api.scaleCluster(namespace, cluster, {
          machineDeployment,
          replicas: value,
        }),
      onScaled,
    );
  };
  return (
    <>
      <Button
        size="small"
        variant="secondary"
        isDisabled={busy}
        onPress={() => {
          setValue(replicas);
          setOpen(true);
        }}
      >
        Scale
      </Button>
      <Dialog isOpen={open} onOpenChange={setOpen}>
        <form onSubmit={submit} aria-label={`scale ${machineDeployment}`}>
          <DialogHeader>Scale {machineDeployment}</DialogHeader>
          <DialogBody>
            <Flex direction="column" gap="3">
              <Text>
                Each new worker claims an Available host; each removed one gives
                its host back, wiped.
              </Text>
              <NumberField
                label="Worker machines"
                minValue={0}
                maxValue={500}
                value={value}
                onChange={v => setValue(Number.isNaN(v) ? replicas : v)}
              />
            </Flex>
          </DialogBody>
          <DialogFooter>
            <Flex gap="2" justify="end">
              <Button variant="secondary" slot="close">
                Cancel
              </Button>
              <Button type="submit">Scale</Button>
            </Flex>
          </DialogFooter>
        </form>
      </Dialog>
    </>
  );
};
