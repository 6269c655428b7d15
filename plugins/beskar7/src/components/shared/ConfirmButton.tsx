import { Button, Flex, Text } from '@backstage/ui';
import { KeyboardEvent, useEffect, useRef, useState } from 'react';

/**
 * A destructive action asks before it runs: the first press shows what will
 * happen, and only "Confirm" does it. Focus moves to "Cancel" (the safe
 * choice) so keyboard users are not left on a button that vanished; Escape
 * cancels and returns focus to the action.
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
  const [asking, setAsking] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const safeChoice = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) safeChoice.current?.focus();
    else if (cancelled) trigger.current?.focus();
  }, [asking, cancelled]);
  const cancel = () => {
    setCancelled(true);
    setAsking(false);
  };

  if (!asking) {
    return (
      <Button
        ref={trigger}
        size="small"
        destructive
        isDisabled={isDisabled}
        onPress={() => {
          setCancelled(false);
          setAsking(true);
        }}
      >
        {label}
      </Button>
    );
  }
  return (
    <Flex
      align="center"
      gap="2"
      role="alertdialog"
      aria-label={`${label}?`}
      onKeyDown={(event: KeyboardEvent) => {
        if (event.key === 'Escape') cancel();
      }}
    >
      <Text>{question}</Text>
      <Button
        size="small"
        destructive
        onPress={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Confirm {label.toLocaleLowerCase()}
      </Button>
      <Button
        ref={safeChoice}
        size="small"
        variant="secondary"
        onPress={cancel}
      >
        Cancel
      </Button>
    </Flex>
  );
};
