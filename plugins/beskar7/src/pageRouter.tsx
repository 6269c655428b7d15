import { ReactNode } from 'react';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import { createApiRef, useApiHolder } from '@backstage/frontend-plugin-api';

/** The app history of frontend-app-api 1.0 (`coreApis.appHistory` there). */
const appHistoryApiRef = createApiRef<unknown>({ id: 'core.app-history' });

/**
 * Tells an app on frontend-app-api 1.0, which owns the history, that the
 * extension routes with React Router v6 (else the app warns about implicit
 * routing). Apps before 1.0 have no app history, and the adapter does not
 * work there: inside their extensions it calls the route resolution's
 * `resolvePath`, which they lack. There the extension renders as it is.
 */
export const PageRouter = (props: { children: ReactNode }) =>
  useApiHolder().get(appHistoryApiRef) ? (
    <ReactRouterV6PageRouter>{props.children}</ReactRouterV6PageRouter>
  ) : (
    <>{props.children}</>
  );
