export { beskar7ServiceRef } from './beskar7ServiceRef';
export { Beskar7Client } from './Beskar7Client';
export type * from './types';
