import { Button, Flex, Text } from '@backstage/ui';
import { useState } from 'react';

/**
 * A destructive action asks before it runs: the first press shows what will
 * happen, and only "Confirm" does it.
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
  if (!asking) {
    return (
      <Button
        size="small"
        destructive
        isDisabled={isDisabled}
        onPress={() => setAsking(true)}
      >
        {label}
      </Button>
    );
  }
  return (
    <Flex align="center" gap="2" role="alertdialog" aria-label={`${label}?`}>
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
      <Button size="small" variant="secondary" onPress={() => setAsking(false)}>
        Cancel
      </Button>
    </Flex>
  );
};
