export { beskar7ApiRef } from './Beskar7Api';
export type { Beskar7Api } from './Beskar7Api';
export { Beskar7Client } from './Beskar7Client';
export { describeError } from './describeError';
