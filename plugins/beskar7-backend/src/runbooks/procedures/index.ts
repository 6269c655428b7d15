import { RunbookDefinition } from '../types';
import { bmcConnectivity } from './bmcConnectivity';
import { capacityPlanning } from './capacityPlanning';
import { claimConflicts } from './claimConflicts';
import { configurationChange } from './configurationChange';
import { hostStateRecovery } from './hostStateRecovery';
import { incidentResponse } from './incidentResponse';
import { leaderElectionInstability } from './leaderElection';
import { maintenance } from './maintenance';
import { performanceDegradation } from './performanceDegradation';
import { queueBacklog } from './queueBacklog';
import { queueDrainReset } from './queueDrainReset';
import { quickHealthCheck } from './quickHealthCheck';
import { splitBrainRecovery } from './splitBrainRecovery';

/** The shipped procedures, in the order the portal lists them. */
export const PROCEDURES: RunbookDefinition[] = [
  quickHealthCheck,
  claimConflicts,
  queueBacklog,
  leaderElectionInstability,
  performanceDegradation,
  bmcConnectivity,
  splitBrainRecovery,
  queueDrainReset,
  hostStateRecovery,
  capacityPlanning,
  configurationChange,
  maintenance,
  incidentResponse,
];
