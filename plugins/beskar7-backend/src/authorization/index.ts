export { Authorizer, actorOf } from './Authorizer';
export type { Call, Caller, Permissions } from './Authorizer';
export { AuthorizedRunbooks } from './AuthorizedRunbooks';
