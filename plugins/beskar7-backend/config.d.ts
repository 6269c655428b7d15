export interface Config {
  /** Configuration of the Beskar7 bare-metal plugin. */
  beskar7?: {
    claims?: {
      /**
       * How replicas coordinate host claims: `optimistic` (conditional
       * updates, the default), `locking` (row locks) or `leader` (one elected
       * claim coordinator).
       */
      mode?: 'optimistic' | 'locking' | 'leader';
      /** Leader mode: lease duration, renew deadline and retry period, e.g. `15s`. */
      leaderElection?: {
        leaseDuration?: string;
        renewDeadline?: string;
        retryPeriod?: string;
      };
    };
    /**
     * BMC logins by name; hosts refer to them with `bmc.credentialsRef`.
     * Fill them from environment variables, never commit them.
     */
    credentials?: {
      [ref: string]: {
        username: string;
        /** @visibility secret */
        password: string;
      };
    };
    /**
     * Simulated BMCs started inside the backend, registered as hosts: the
     * embedded default for local use. Leave unset in production.
     */
    simulator?: {
      enabled?: boolean;
      /** Number of simulated hosts (default 12). */
      hosts?: number;
      /** Pool the simulated hosts are registered in (default `default`). */
      pool?: string;
    };
  };
}
