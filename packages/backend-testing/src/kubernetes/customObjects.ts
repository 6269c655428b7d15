import {
  GROUP,
  VERSION,
} from '../../../../plugins/beskar7-backend/src/kubernetes/types';

/** The API's parameters for the beskar7 objects of `plural` in `namespace`. */
export function objectsIn(namespace: string, plural: string) {
  return { group: GROUP, version: VERSION, plural, namespace };
}

/** The API's parameters for one of them. */
export function objectNamed(namespace: string, plural: string, name: string) {
  return { ...objectsIn(namespace, plural), name };
}

/** A Beskar7Machine to create: a Flatcar image with its config, `spec` over them. */
export function beskar7MachineBody(name: string, spec: object = {}) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Beskar7Machine',
    metadata: { name },
    spec: {
      imageURL: 'https://images.example/flatcar.iso',
      configURL: 'https://config.example/worker.ign',
      osFamily: 'flatcar',
      ...spec,
    },
  };
}
