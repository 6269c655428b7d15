import { createApiRef } from '@backstage/frontend-plugin-api';
import { HealthResponse } from '@internal/backstage-plugin-beskar7-common';

/** The Beskar7 backend, as the portal's pages and other plugins see it. */
export interface Beskar7Api {
  getHealth(): Promise<HealthResponse>;
}

/** @public */
export const beskar7ApiRef = createApiRef<Beskar7Api>({
  id: 'plugin.beskar7.service',
});
