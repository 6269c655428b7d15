import { ConfigReader } from '@backstage/config';
import { ConfigCredentialResolver } from './ConfigCredentialResolver';

describe('ConfigCredentialResolver', () => {
  const config = new ConfigReader({
    beskar7: {
      credentials: { 'rack-a': { username: 'admin', password: 's3cret' } },
    },
  });

  it('reads credentials from config at use time', async () => {
    const resolver = new ConfigCredentialResolver(config);
    await expect(resolver.resolve('rack-a')).resolves.toEqual({
      username: 'admin',
      password: 's3cret',
    });
  });

  it('prefers config over a registered login and falls back to it', async () => {
    const resolver = new ConfigCredentialResolver(config);
    resolver.register('rack-a', { username: 'x', password: 'y' }, []);
    resolver.register('sim', { username: 'sim', password: 'pw' }, [
      'http://127.0.0.1:8000',
    ]);
    await expect(resolver.resolve('rack-a')).resolves.toMatchObject({
      username: 'admin',
    });
    await expect(resolver.resolve('sim')).resolves.toMatchObject({
      username: 'sim',
    });
  });

  it('names the missing reference without revealing any secret', async () => {
    const resolver = new ConfigCredentialResolver(config);
    await expect(resolver.resolve('rack-b')).rejects.toThrow(
      "No BMC credentials named 'rack-b'",
    );
  });
});
