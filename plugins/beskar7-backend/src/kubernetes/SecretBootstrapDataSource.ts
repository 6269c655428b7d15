import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  BOOTSTRAP_FORMATS,
  BootstrapData,
  BootstrapDataSource,
  BootstrapFormat,
} from '../bootstrap/types';
import { statusCodeOf } from './apiErrors';

/**
 * Reads Cluster API bootstrap data Secrets (`value`, `format`) at the
 * moment a host fetches them: nothing is cached or stored. Errors name the
 * Secret, never its content.
 */
export class SecretBootstrapDataSource implements BootstrapDataSource {
  private readonly core: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async read(
    namespace: string,
    name: string,
  ): Promise<BootstrapData | undefined> {
    let data: Record<string, string>;
    try {
      data =
        (await this.core.readNamespacedSecret({ namespace, name })).data ?? {};
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
    if (data.value === undefined) {
      throw new Error(`Secret ${namespace}/${name} has no key "value"`);
    }
    // Cluster API's default when the key is absent.
    const format = data.format
      ? Buffer.from(data.format, 'base64').toString('utf8')
      : 'cloud-config';
    if (!BOOTSTRAP_FORMATS.includes(format as BootstrapFormat)) {
      throw new Error(
        `Secret ${namespace}/${name} has format "${format}"; one of ${BOOTSTRAP_FORMATS.join(
          ', ',
        )} is supported`,
      );
    }
    return {
      value: Buffer.from(data.value, 'base64'),
      format: format as BootstrapFormat,
    };
  }
}
