export * from './auditEvents';
export * from './liveFleet';
export * from './runbookFleet';
