import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  beskar7ClusterCreatePermission,
  beskar7ClusterDeletePermission,
  beskar7ClusterReadPermission,
  beskar7HostOperatePermission,
  beskar7HostReadPermission,
  beskar7MachineCreatePermission,
  beskar7RunbookDestructivePermission,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Beskar7PermissionPolicy } from './Beskar7PermissionPolicy';

function user(...ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  } as PolicyQueryUser;
}

describe('Beskar7PermissionPolicy', () => {
  const policy = Beskar7PermissionPolicy.fromConfig(
    new ConfigReader({
      permission: { beskar7: { operators: ['group:default/platform-team'] } },
    }),
  );

  it.each([beskar7HostReadPermission, beskar7ClusterReadPermission])(
    'lets everyone use $name',
    async permission => {
      await expect(
        policy.handle({ permission }, user('user:default/dev')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    },
  );

  it.each([
    beskar7HostOperatePermission,
    beskar7MachineCreatePermission,
    beskar7RunbookDestructivePermission,
    beskar7ClusterCreatePermission,
    beskar7ClusterDeletePermission,
  ])('reserves $name to operators', async permission => {
    await expect(
      policy.handle(
        { permission },
        user('user:default/dev', 'group:default/web'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle(
        { permission },
        user('user:default/ops', 'group:default/Platform-Team'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(policy.handle({ permission })).resolves.toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it("decide leaves other plugins' permissions to the app's own policy", async () => {
    const permission = {
      type: 'basic' as const,
      name: 'catalog.entity.create',
      attributes: { action: 'create' as const },
    };
    expect(policy.decide({ permission }, user('user:default/dev'))).toBe(
      undefined,
    );
    expect(
      policy.decide({ permission: beskar7MachineCreatePermission }),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it("leaves other plugins' permissions allowed", async () => {
    await expect(
      policy.handle({
        permission: {
          type: 'basic',
          name: 'catalog.entity.create',
          attributes: { action: 'create' },
        },
      }),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});
