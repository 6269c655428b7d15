import { BasicPermission } from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { ReactNode } from 'react';

/** Shows an action only to those the backend would let do it. */
export const IfAllowed = ({
  permission,
  children,
}: {
  permission: BasicPermission;
  children: ReactNode;
}) => {
  const { allowed } = usePermission({ permission });
  return allowed ? <>{children}</> : null;
};
