/** Cluster API's bootstrap data formats (the Secret's `format` key). */
export const BOOTSTRAP_FORMATS = ['cloud-config', 'ignition'] as const;
export type BootstrapFormat = (typeof BOOTSTRAP_FORMATS)[number];

/** A bootstrap data Secret's content: read when needed, never stored. */
export interface BootstrapData {
  value: Buffer;
  format: BootstrapFormat;
}

/** Where bootstrap data Secrets are read (Kubernetes). */
export interface BootstrapDataSource {
  /** Undefined when the Secret does not exist. */
  read(namespace: string, name: string): Promise<BootstrapData | undefined>;
}
