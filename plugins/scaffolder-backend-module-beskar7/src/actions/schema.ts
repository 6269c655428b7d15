import {
  BOOT_MODES,
  LABEL_SELECTOR_OPERATORS,
  OS_FAMILIES,
  PROVISIONING_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/** The zod the scaffolder hands to schema functions (its `zod/v3`). */
export type Zod = typeof z;

// The API's own rules, checked here first so that a bad input fails the step
// before anything is requested, with a message that names the field.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MESSAGE =
  'must be lowercase letters, digits and "-", starting and ending with a letter or digit';

/** Room left in a 63-character name for `-<index>`. */
export const MAX_PREFIX_LENGTH = 56;

export const dnsLabel = (zod: Zod) =>
  zod.string().max(63).regex(DNS_LABEL, DNS_LABEL_MESSAGE);

export const waitTimeout = (zod: Zod) =>
  zod
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(1800)
    .describe('How long to wait, in seconds');

export const labelSelector = (zod: Zod) =>
  zod
    .object({
      matchLabels: zod.record(zod.string()).optional(),
      matchExpressions: zod
        .array(
          zod.object({
            key: zod.string().min(1),
            operator: zod.enum(LABEL_SELECTOR_OPERATORS),
            values: zod.array(zod.string()).optional(),
          }),
        )
        .optional(),
    })
    .optional()
    .describe('Kubernetes-style selector on host labels');

export const requestInput = (zod: Zod) =>
  zod
    .object({
      count: zod
        .number()
        .int()
        .min(1)
        .max(64)
        .default(1)
        .describe('How many machines to request'),
      namespace: dnsLabel(zod)
        .default('default')
        .describe('Namespace of the machines'),
      namePrefix: dnsLabel(zod)
        .max(MAX_PREFIX_LENGTH)
        .optional()
        .describe(
          'Machines are named <namePrefix>-1 … <namePrefix>-<count>; derived from the task id when left out',
        ),
      pool: dnsLabel(zod).optional().describe('Host pool to take hosts from'),
      labelSelector: labelSelector(zod),
      tags: zod
        .array(zod.string().min(1))
        .optional()
        .describe('Tags every host must carry'),
      minCpuCores: zod.number().int().min(0).optional(),
      minMemoryGiB: zod.number().int().min(0).optional(),
      minDiskGiB: zod.number().int().min(0).optional(),
      failureDomain: zod.string().min(1).optional(),
      imageUrl: zod.string().url().describe('http(s) URL of the OS image'),
      configUrl: zod
        .string()
        .url()
        .optional()
        .describe('http(s) URL of the OS configuration; RemoteConfig needs it'),
      osFamily: zod.enum(OS_FAMILIES),
      provisioningMode: zod.enum(PROVISIONING_MODES),
      bootMode: zod.enum(BOOT_MODES).default('UEFI'),
      wait: zod
        .boolean()
        .default(false)
        .describe('Wait until every machine is Provisioned'),
      timeoutSeconds: waitTimeout(zod),
    })
    .refine(
      i => i.provisioningMode !== 'RemoteConfig' || i.configUrl !== undefined,
      {
        message: 'is required when provisioningMode is RemoteConfig',
        path: ['configUrl'],
      },
    );

export const requestOutput = (zod: Zod) =>
  zod.object({
    machineNames: zod.array(zod.string()),
    machineIds: zod.array(zod.string()),
    hostNames: zod
      .array(zod.string())
      .describe('Hosts claimed so far, in the order of machineNames'),
    eligibleHostNames: zod
      .array(zod.string())
      .optional()
      .describe('Dry run only: every Available host matching the requirements'),
    summary: zod.string(),
  });

export const releaseInput = (zod: Zod) =>
  zod.object({
    machineIds: zod
      .array(zod.string().min(1))
      .min(1)
      .describe('Ids of the machines to release'),
    wait: zod
      .boolean()
      .default(false)
      .describe('Wait until every machine is Released'),
    timeoutSeconds: waitTimeout(zod),
  });

export const releaseOutput = (zod: Zod) =>
  zod.object({ phases: zod.array(zod.string()) });

export type RequestInput = z.output<ReturnType<typeof requestInput>>;
export type ReleaseInput = z.output<ReturnType<typeof releaseInput>>;

/**
 * The scaffolder checks inputs against a JSON schema made from these zod
 * schemas, which drops refinements and does not fill defaults; parsing again
 * applies both and names every bad field in one message.
 */
export function parseInput<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  input: unknown,
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue =>
    issue.path.length
      ? `${issue.path.join('.')}: ${issue.message}`
      : issue.message,
  );
  throw new InputError(`Invalid input: ${problems.join('; ')}`);
}
