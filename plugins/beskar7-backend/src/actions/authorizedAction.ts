import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { z } from 'zod/v3';
import { Authorizer, Call, Permissions } from '../authorization';

type Shape = z.ZodRawShape;

/** An action that declares its permission (and audit event) like a route. */
export interface AuthorizedActionOptions<I extends Shape, O extends Shape> {
  name: string;
  title: string;
  description: string;
  attributes: { readOnly: boolean; idempotent: boolean; destructive: boolean };
  permission: Permissions;
  audit?: string;
  input: (zod: typeof z) => I;
  output: (zod: typeof z) => O;
  action: (
    input: z.infer<z.ZodObject<I>>,
    call: Call & { describe(meta: JsonObject): void },
  ) => Promise<z.infer<z.ZodObject<O>>>;
}

/**
 * Registers an action that checks its caller's permission before it looks
 * at the input. The registry validates input before an action runs, so each
 * field it is shown keeps its schema (callers still read it) but lets any
 * value through; the action validates after the permission: 403 before 400.
 */
export function registerAuthorizedAction<I extends Shape, O extends Shape>(
  registry: ActionsRegistryService,
  authorizer: Authorizer,
  options: AuthorizedActionOptions<I, O>,
) {
  const { permission, audit, input, output, action, ...described } = options;
  // The registry sees plain objects; the types are checked in `options`.
  registry.register<z.AnyZodObject, z.AnyZodObject>({
    ...described,
    schema: {
      input: zod => zod.object(passThrough(input(zod))),
      output: zod => zod.object(output(zod)),
    },
    action: async ({ input: raw, credentials }) => {
      const call = await authorized(authorizer, credentials, permission, audit);
      const parse = () => {
        const parsed = z.object(input(z)).safeParse(raw);
        if (!parsed.success) {
          throw new InputError(
            `Invalid input to action "${described.name}"`,
            parsed.error,
          );
        }
        return parsed.data;
      };
      if (!audit) {
        return { output: await action(parse(), { ...call, describe() {} }) };
      }
      return {
        output: await authorizer.audited(audit, call, describe =>
          action(parse(), { ...call, describe }),
        ),
      };
    },
  });
}

async function authorized(
  authorizer: Authorizer,
  credentials: BackstageCredentials,
  permission: Permissions,
  audit: string | undefined,
): Promise<Call> {
  try {
    const caller = authorizer.callerOf(credentials);
    await authorizer.authorize(caller, permission);
    return { caller };
  } catch (error) {
    if (audit) await authorizer.refused(audit, { credentials }, error as Error);
    throw error;
  }
}

/** Each field as described, but any value gets through to the action. */
function passThrough(shape: Shape): Shape {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => {
      const through = field.catch((ctx: { input: unknown }) => ctx.input);
      // Callers read the schema: a required field must still say so.
      through.isOptional = () => field.isOptional();
      return [key, through];
    }),
  );
}
