import { Badge } from '@backstage/ui';
import {
  RiAlertLine,
  RiArchiveLine,
  RiCheckboxCircleLine,
  RiCloseCircleLine,
  RiErrorWarningLine,
  RiEraserLine,
  RiInformationLine,
  RiLoader4Line,
  RiLockLine,
  RiShutDownLine,
  RiSearchEyeLine,
  RiServerLine,
  RiSkipForwardLine,
  RiTimeLine,
  RemixiconComponentType,
} from '@remixicon/react';
import { Glyph, lookOf } from './stateLook';
import styles from './StateChip.module.css';

const ICONS: Record<Glyph, RemixiconComponentType> = {
  enrolling: RiSearchEyeLine,
  available: RiCheckboxCircleLine,
  claimed: RiLockLine,
  working: RiLoader4Line,
  provisioned: RiServerLine,
  releasing: RiEraserLine,
  error: RiErrorWarningLine,
  pending: RiTimeLine,
  released: RiArchiveLine,
  passed: RiCheckboxCircleLine,
  warning: RiAlertLine,
  failed: RiCloseCircleLine,
  skipped: RiSkipForwardLine,
  info: RiInformationLine,
  power: RiShutDownLine,
};

/** The class giving an element a value's tone (its colours as CSS variables). */
export function toneClass(value: string): string {
  return styles[lookOf(value).tone];
}

/** The solid colour of a value's tone, for bars. */
export function segmentClass(value: string): string {
  return `${styles.segment} ${toneClass(value)}`;
}

/**
 * A host state, machine phase or status, everywhere with the same colour
 * and icon, the word always written out (colour is never the only cue).
 */
export const StateChip = ({
  value,
  size = 'small',
}: {
  value: string;
  size?: 'small' | 'medium';
}) => {
  const Icon = ICONS[lookOf(value).glyph];
  return (
    <Badge
      size={size}
      icon={<Icon aria-hidden />}
      className={`${styles.chip} ${toneClass(value)}`}
      data-state={value}
    >
      {value}
    </Badge>
  );
};
