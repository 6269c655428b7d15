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
     * The provisioning queue and host lifecycle. Every key is optional: the
     * chosen `profile` supplies defaults (see docs/provisioning.md).
     * Durations are written like `500ms`, `10s`, `5m`, `1h`.
     */
    provisioning?: {
      /** Defaults sized for a fleet: development (1-20 hosts), staging (20-100), production (100+). */
      profile?: 'development' | 'staging' | 'production';
      /** Queued plus running jobs across all replicas, 1-100000; more are rejected. */
      maxQueueSize?: number;
      /** Workers per replica, 1-100. */
      workerCount?: number;
      /** Operations running at once across all replicas, 1-20. */
      maxConcurrentOps?: number;
      /** Minimum gap between operations on one BMC, 0s-10m. */
      bmcCooldownPeriod?: string;
      /** Cooldowns by vendor id (e.g. `dell`, `hpe`), overriding bmcCooldownPeriod. */
      vendorCooldownPeriods?: { [vendor: string]: string };
      /** Time limit of one provisioning operation, 100ms-2h. */
      operationTimeout?: string;
      /** How long a job stays with a replica that stopped renewing it, 200ms-10m. */
      leaseDuration?: string;
      /** How often idle workers look for due jobs, 10ms-1m. */
      pollInterval?: string;
      /** A host in Enrolling/Provisioning/Deprovisioning this long with no job goes to Error, 1s-24h. */
      stuckStateTimeout?: string;
      /** Period of the host and machine reconcilers, 100ms-1h. */
      reconcileInterval?: string;
      /** A host's power state is read from its BMC again after this long (not while an operation or cooldown holds the BMC), 100ms-24h. */
      powerPollInterval?: string;
      retry?: {
        /** Retries after the first attempt, 0-20. */
        maxRetries?: number;
        /** Backoff before the first retry, doubled each time, 0s-1h. */
        initialBackoff?: string;
        /** Upper bound of the backoff, 0s-1h, at least initialBackoff. */
        maxBackoff?: string;
      };
    };
    inventory?: {
      /**
       * Where BMCs may be: CIDRs (`10.0.0.0/8`, `2001:db8::/32`), addresses,
       * host names and `*.domain` suffixes. When set, registering a host
       * whose BMC address matches no entry (a host name matches by name or
       * by every address it resolves to) is refused with a 400.
       * Link-local (169.254.0.0/16, fe80::/10) and cloud metadata addresses
       * (169.254.169.254, fd00:ec2::254, metadata.google.internal, ...) are
       * refused whether set or not, unless an entry names them: a range no
       * wider than theirs, or the host name itself.
       */
      bmcAddressAllowlist?: string[];
    };
    /**
     * PEM CA bundles by name; a host's `bmc.caBundleRef` names one, and its
     * BMC certificate is then verified against that bundle alone.
     */
    caBundles?: { [ref: string]: string };
    /**
     * The Kubernetes side (see docs/kubernetes.md): PhysicalHosts and
     * Beskar7Machines watched and reflected, BMC credentials read from the
     * Secrets they name, and optionally the claim coordinator elected
     * through a Lease. Lease timing is `claims.leaderElection`'s.
     */
    kubernetes?: {
      /** Off unless true. */
      enabled?: boolean;
      /** Path of a kubeconfig file; without it, in-cluster or the default loading rules. */
      kubeconfig?: string;
      /** Context of the kubeconfig (default: its current context). */
      context?: string;
      /** Use the pod's service account (not together with kubeconfig). */
      inCluster?: boolean;
      /** Watch one namespace; all namespaces when absent. */
      namespace?: string;
      /**
       * Let a Beskar7Machine claim hosts of any namespace (shared pools).
       * Default false: it claims hosts of its own namespace only.
       */
      crossNamespaceClaims?: boolean;
      /** How often every watched object is handled again, e.g. `30s`. */
      resyncInterval?: string;
      /**
       * Cluster API bootstrap data, served to each host at a per-machine URL
       * (see docs/cluster-api.md).
       */
      bootstrapData?: {
        /**
         * Where hosts reach the backend's bootstrap route, e.g.
         * `https://portal.example/api/beskar7/bootstrap`. Default: the
         * plugin's external URL (discovery) + `/bootstrap`. Use https.
         */
        baseUrl?: string;
        /** How long a host may fetch after provisioning began, e.g. `1h` (default). */
        tokenTtl?: string;
      };
      leaderElection?: {
        /** Elect the active replica (and, in `leader` claims mode, the coordinator) through a Lease. */
        enabled?: boolean;
        /** Default `beskar7-claim-coordinator-leader`. */
        leaseName?: string;
        /** Default: POD_NAMESPACE, the pod's own namespace, or `default`. */
        namespace?: string;
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
        /**
         * Where this login may be sent: CIDRs, addresses, host names,
         * `*.domain`, or whole origins (`https://10.0.0.5:8443`). A host whose
         * BMC is elsewhere cannot use it; a login that lists none is sent nowhere.
         */
        allowedAddresses?: string[];
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
      /** BMC i listens on 127.0.0.1:basePort+i (default: free ports). */
      basePort?: number;
      /**
       * The simulated BMCs' password (default: a random one per process).
       * @visibility secret
       */
      password?: string;
      /** Another process serves the fleet (`yarn simulator --base-port`); needs basePort and password. */
      external?: boolean;
    };
  };
  /** Read by the permission policy this package ships (`/policy`). */
  permission?: {
    beskar7?: {
      /**
       * Entity refs (users or groups) allowed to change the bare-metal fleet:
       * register and release hosts, request machines, manage the queue and
       * run runbooks. Everyone signed in may read.
       */
      operators?: string[];
    };
  };
}
