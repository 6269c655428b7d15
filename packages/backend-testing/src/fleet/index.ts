export * from './claimInvariants';
export * from './claimRace';
export * from './fleet';
export * from './randomFleet';
