import { Text } from '@backstage/ui';

/** A value against its limit, as a bar: easier to take in than two numbers. */
export const Meter = ({
  label,
  value,
  max,
  warnAt = 0.8,
}: {
  label: string;
  value: number;
  max: number;
  warnAt?: number;
}) => {
  const share = max > 0 ? Math.min(value / max, 1) : 0;
  let colour = '#2e7d32';
  if (share >= 0.95) colour = '#c62828';
  else if (share >= warnAt) colour = '#ef6c00';
  return (
    <div>
      <Text variant="body-small">
        {label}: {value} / {max}
      </Text>
      <div
        role="meter"
        aria-label={label}
        aria-valuenow={value}
        aria-valuemin={0}
        aria-valuemax={max}
        style={{ background: '#e0e0e0', height: 10, borderRadius: 5 }}
      >
        <div
          style={{
            width: `${share * 100}%`,
            background: colour,
            height: 10,
            borderRadius: 5,
          }}
        />
      </div>
    </div>
  );
};
