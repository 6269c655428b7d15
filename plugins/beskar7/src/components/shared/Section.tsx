import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import { ReactNode } from 'react';

/** A titled card: every card of the plugin has the same header and type sizes. */
export const Section = ({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) => (
  <Card aria-label={title} role="region">
    <CardHeader>
      <Text as="h3" variant="title-x-small" weight="bold">
        {title}
      </Text>
      {actions}
    </CardHeader>
    {/* Cards grow with their content: a scrolling body would need keyboard access. */}
    <CardBody style={{ overflow: 'visible' }}>{children}</CardBody>
  </Card>
);
