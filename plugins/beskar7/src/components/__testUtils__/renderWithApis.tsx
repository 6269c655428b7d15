import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SWRConfig } from 'swr';
import { beskar7ApiRef } from '../../api';
import { testClient } from './testClient';

/**
 * Renders with the real client and a permission decision. Each render gets
 * its own SWR cache: usePermission caches decisions, which would otherwise
 * leak from one test into the next.
 */
export function renderWithApis(
  element: JSX.Element,
  options: {
    authorize: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    initialRouteEntries?: string[];
    /** App config the rendered app reads (frontend keys). */
    config?: NonNullable<Parameters<typeof renderInTestApp>[1]>['config'];
  },
) {
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>,
    {
      initialRouteEntries: options.initialRouteEntries,
      config: options.config,
      apis: [
        [beskar7ApiRef, testClient],
        [
          permissionApiRef,
          mockApis.permission({ authorize: options.authorize }),
        ],
      ],
    },
  );
}
