export { beskar7Plugin as default } from './plugin';
export { beskar7ApiRef, Beskar7Client } from './api';
export type { Beskar7Api } from './api';
