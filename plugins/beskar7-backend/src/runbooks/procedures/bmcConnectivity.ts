import {
  BmcProbeLayer,
  BmcProbeReport,
} from '@beskar7/backstage-plugin-beskar7-common';
import { AutomatedStep, RunbookDefinition } from '../types';
import { circuitStep } from './bmcCircuit';
import { NOTHING_TO_UNDO, READ_ONLY } from './helpers';

const LAYER_STEPS: Array<{
  layer: BmcProbeLayer;
  title: string;
  description: string;
}> = [
  {
    layer: 'dns',
    title: 'DNS',
    description:
      "Resolve the BMC's name from the backend, as the HTTP client does (getaddrinfo: /etc/hosts and the cluster DNS).",
  },
  {
    layer: 'tcp',
    title: 'TCP',
    description:
      'Open a TCP connection to the BMC port: separates a firewall or routing problem from a BMC problem.',
  },
  {
    layer: 'tls',
    title: 'TLS handshake',
    description:
      'Complete a TLS handshake and judge the certificate (trust, host name, expiry) the way provisioning will.',
  },
  {
    layer: 'service-root',
    title: 'Redfish service root',
    description:
      'GET /redfish/v1/ without login: proves a Redfish service answers and finds its sessions and systems.',
  },
  {
    layer: 'authentication',
    title: 'Authentication',
    description:
      "Log in with the host's credentials (a Redfish session, basic auth if the BMC has none); the session is closed again.",
  },
  {
    layer: 'systems',
    title: 'Systems list',
    description:
      'List the computer systems with that login: the BMC is usable for provisioning.',
  },
];

function layerStep(
  layer: BmcProbeLayer,
  title: string,
  description: string,
): AutomatedStep {
  return {
    id: layer,
    title,
    description,
    kind: 'automated',
    mutates: false,
    risk:
      layer === 'authentication'
        ? {
            level: 'low',
            description:
              'One login: a wrong password counts towards the BMC account lockout.',
          }
        : READ_ONLY,
    run: async ({ actions, parameters }) => {
      const report = await actions.probeBmc(String(parameters.hostId), layer);
      const result = report.layers.find(l => l.layer === layer);
      return {
        summary: result
          ? `${result.verdict}: ${result.message}`
          : 'Layer not probed',
        data: report,
      };
    },
    verification: {
      description: `The ${title} layer passes (a warning passes and is shown).`,
      check: (_, outcome) => {
        const result = (outcome.data as BmcProbeReport).layers.find(
          l => l.layer === layer,
        );
        if (!result) return { passed: false, message: 'Layer not probed' };
        return {
          passed: result.verdict === 'pass' || result.verdict === 'warn',
          message: result.message,
        };
      },
    },
    rollback: NOTHING_TO_UNDO,
  };
}

export const bmcConnectivity: RunbookDefinition = {
  id: 'bmc-connectivity',
  title: 'BMC connectivity',
  severity: 'warning',
  operatorGuide: {
    title: 'Security: TLS and BMC credentials',
    path: 'docs/security.md#bmc-tls',
  },
  symptoms: [
    'Diagnostics: BMC error rate high, or circuits open',
    'A host went to Error with a connection, TLS or 401 message',
    'Registering a host fails at inspection',
  ],
  parameters: [
    {
      name: 'hostId',
      title: 'Host',
      description:
        'The host whose BMC to probe (its registered address and credentials are used).',
      type: 'string',
      required: true,
    },
  ],
  steps: [
    circuitStep,
    ...LAYER_STEPS.map(s => layerStep(s.layer, s.title, s.description)),
    {
      id: 'fix-and-recover',
      title: 'Fix the failing layer, then recover the host',
      description:
        'The first failing step names the open circuit or the layer, and what to check. Once fixed, run this runbook again, then host-state-recovery if the host is in Error.',
      kind: 'manual',
      instruction:
        'Fix what the failing layer reported for host {hostId}; run bmc-connectivity again until every layer passes.',
      mutates: false,
      risk: READ_ONLY,
      verification: {
        description:
          'A new run of this runbook passes every layer (operator verdict).',
      },
      rollback: NOTHING_TO_UNDO,
    },
  ],
};
