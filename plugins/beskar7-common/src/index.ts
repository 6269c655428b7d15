/**
 * Types and permissions shared by the Beskar7 frontend and backend plugins.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './alertLimits';
export * from './annotations';
export * from './api';
export * from './clusters';
export * from './clusterRequests';
export * from './hardware';
export * from './permissions';
export * from './runbooks';
export * from './requirements';
export * from './capabilities';
export * from './generated/apiClient';
