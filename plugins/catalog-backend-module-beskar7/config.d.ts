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
      /** Publish the `request-bare-metal` and `bare-metal-kubernetes-cluster` scaffolder templates; true by default. */
      template?: boolean;
      /**
       * How long the backend may take to start before the module warns that
       * the catalog is not processing (nothing it publishes appears); 60s by default.
       */
      startupTimeout?:
        | string
        | { milliseconds?: number; seconds?: number; minutes?: number };
    };
  };
}
