import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  beskar7?: {
    /** How the fleet is published to the catalog. */
    catalog?: {
      /** Owner of the pool and host entities; `group:default/guests` by default. */
      owner?: string;
      /** Full refresh schedule; every 10 minutes by default. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** How often to look for host changes between full refreshes; 30s by default. */
      watchInterval?:
        | string
        | { milliseconds?: number; seconds?: number; minutes?: number };
    };
  };
}
