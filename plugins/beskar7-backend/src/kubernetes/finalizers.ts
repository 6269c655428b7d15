import { FINALIZER, KubeObject } from './types';

/*
 * Beskar7's finalizer on the objects it takes in: kept until it has undone
 * what the object asked for, whoever leads and whenever.
 */

export function isDeleting(obj: KubeObject): boolean {
  return Boolean(obj.metadata.deletionTimestamp);
}

export function hasFinalizer(obj: KubeObject): boolean {
  return obj.metadata.finalizers?.includes(FINALIZER) ?? false;
}

/** The object with the finalizer; undefined when it has it or is being deleted. */
export function withFinalizer<T extends KubeObject>(fresh: T): T | undefined {
  const finalizers = fresh.metadata.finalizers ?? [];
  if (finalizers.includes(FINALIZER) || isDeleting(fresh)) return undefined;
  return {
    ...fresh,
    metadata: { ...fresh.metadata, finalizers: [...finalizers, FINALIZER] },
  };
}

/** The object without the finalizer; undefined when it has none. */
export function withoutFinalizer<T extends KubeObject>(
  fresh: T,
): T | undefined {
  const finalizers = fresh.metadata.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return undefined;
  return {
    ...fresh,
    metadata: {
      ...fresh.metadata,
      finalizers: finalizers.filter(f => f !== FINALIZER),
    },
  };
}
