import {
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { useState } from 'react';

/**
 * A destructive action asks before it runs: the button opens a dialog that
 * says what will happen, and only its "Confirm" does it. Focus starts on
 * "Cancel" (the safe choice); Escape cancels and focus returns to the button.
 */
export const ConfirmButton = ({
  label,
  question,
  onConfirm,
  isDisabled,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  isDisabled?: boolean;
}) => {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="small"
        destructive
        isDisabled={isDisabled}
        onPress={() => setOpen(true)}
      >
        {label}
      </Button>
      <Dialog isOpen={open} onOpenChange={setOpen}>
        <DialogHeader>{label}?</DialogHeader>
        <DialogBody>
          <Text>{question}</Text>
        </DialogBody>
        <DialogFooter>
          <Flex gap="2" justify="end">
            <Button
              variant="secondary"
              // The safe choice has focus when the dialog opens (WAI-ARIA alert dialog pattern).
              // eslint-disable-next-line jsx-a11y/no-autofocus
              autoFocus
              onPress={() => setOpen(false)}
            >
              Cancel
            </Button>
            <Button
              destructive
              onPress={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              Confirm {label.toLocaleLowerCase()}
            </Button>
          </Flex>
        </DialogFooter>
      </Dialog>
    </>
  );
};
