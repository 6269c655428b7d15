import { RunbookDefinition } from '../types';
import { READ_ONLY } from './helpers';

/** Leaves of `fragment` that differ in `effective`, as dotted keys; pure. */
export function configDifferences(
  fragment: unknown,
  effective: unknown,
  prefix = '',
): string[] {
  if (
    fragment === null ||
    typeof fragment !== 'object' ||
    Array.isArray(fragment)
  ) {
    return JSON.stringify(fragment) === JSON.stringify(effective)
      ? []
      : [prefix || '(root)'];
  }
  const actual = (effective ?? {}) as Record<string, unknown>;
  return Object.entries(fragment).flatMap(([key, value]) =>
    configDifferences(value, actual[key], prefix ? `${prefix}.${key}` : key),
  );
}

const parseFragment = (text: unknown): unknown => {
  try {
    return JSON.parse(String(text));
  } catch (error) {
    throw new Error(
      `The change is not JSON: ${
        error instanceof Error ? error.message : error
      }`,
    );
  }
};

export const configurationChange: RunbookDefinition = {
  id: 'configuration-change',
  title: 'Configuration change',
  severity: 'info',
  operatorGuide: {
    title: 'Deployment: configuration changes',
    path: 'docs/deployment.md#configuration-changes',
  },
  symptoms: [
    'Any change to beskar7.* configuration (limits, cooldowns, coordination mode, lease settings)',
    'Diagnostics: replicas run different coordination modes (a rollout half done)',
  ],
  parameters: [
    {
      name: 'change',
      title: 'Change (JSON)',
      description:
        'The beskar7 config fragment to apply, as JSON, for example {"provisioning":{"maxConcurrentOps":10}}.',
      type: 'string',
      required: true,
    },
  ],
  steps: [
    {
      id: 'validate',
      title: 'Validate the change',
      description:
        'Check the fragment with the rules the backend applies at start-up.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions, parameters }) => {
        const problems = await actions.validateConfig(
          parseFragment(parameters.change),
        );
        return {
          summary: problems.length
            ? problems.map(p => `${p.key}: ${p.message}`).join('; ')
            : 'Valid',
          data: { problems },
        };
      },
      verification: {
        description: 'No key is rejected.',
        check: (_, o) => ({
          passed: (o.data as { problems: unknown[] }).problems.length === 0,
          message: o.summary,
        }),
      },
      rollback: { description: 'Nothing to undo.' },
    },
    {
      id: 'apply',
      title: 'Apply the change',
      description:
        'Configuration is read at start-up: change it where the deployment keeps it and roll the replicas one by one.',
      kind: 'manual',
      instruction:
        'Commit the change to the app-config of the environment (or its ConfigMap), then `kubectl -n beskar7 rollout restart deployment/beskar7-backstage` and `kubectl -n beskar7 rollout status deployment/beskar7-backstage`. Keep the previous values at hand for the rollback.',
      mutates: true,
      risk: {
        level: 'medium',
        description:
          'A value that passes validation can still be wrong for the fleet (too many operations at once); every replica restarts.',
      },
      verification: { description: 'The rollout finished (operator verdict).' },
      rollback: {
        description:
          'Revert the commit (or ConfigMap) and roll the deployment again.',
      },
    },
    {
      id: 'verify',
      title: 'Verify the running configuration',
      description: 'The replica answering reports the changed values.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions, parameters }) => {
        const differences = configDifferences(
          parseFragment(parameters.change),
          await actions.effectiveConfig(),
        );
        return {
          summary: differences.length
            ? `Not in effect: ${differences.join(', ')}`
            : 'In effect',
          data: { differences },
        };
      },
      verification: {
        description:
          'Every changed key has the new value, and diagnostics show no new error.',
        check: async ({ diagnose }, o) => {
          if ((o.data as { differences: string[] }).differences.length)
            return { passed: false, message: o.summary };
          const report = await diagnose();
          const errors = report.checks.filter(c => c.status === 'error');
          return errors.length
            ? {
                passed: false,
                message: `In effect, but diagnostics report errors: ${errors
                  .map(c => c.title)
                  .join(', ')}; consider rolling back`,
              }
            : { passed: true, message: 'In effect; diagnostics show no error' };
        },
      },
      rollback: { description: 'Roll back the apply step.' },
    },
  ],
};
