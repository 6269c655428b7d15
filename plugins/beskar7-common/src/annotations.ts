/**
 * Catalog annotations that tie an entity to Beskar7: the catalog module
 * writes them on the entities it publishes, and anyone may add them to their
 * own (a System naming the pool its clusters run on, say).
 */

/** The pool's name: on pool and host entities, or on any entity using a pool. */
export const BESKAR7_POOL_ANNOTATION = 'beskar7.io/pool';
/** The host's id in the Beskar7 API, on host entities. */
export const BESKAR7_HOST_ID_ANNOTATION = 'beskar7.io/host-id';
