import { checkSpecSchema } from './specSchemas';
import {
  parseListHostsQuery,
  checkKubernetesMachineRequest,
  checkMachineRequest,
  checkRegisterHost,
  parseUpdateHost,
} from './validation';

/** A host update as the router hands it on: checked against the spec first. */
const checkUpdateHost = (body: unknown) =>
  parseUpdateHost(checkSpecSchema('UpdateHostRequest', body, 'host update'));

const goodHost = {
  name: 'node-1',
  bmc: { address: 'https://10.0.0.1', credentialsRef: 'bmc-node-1' },
};

const goodMachine = {
  name: 'worker-0',
  imageUrl: 'https://images.example/kairos.iso',
  configUrl: 'https://config.example/worker.yaml',
  osFamily: 'kairos',
  provisioningMode: 'RemoteConfig',
};

describe('request validation', () => {
  it('fills defaults for a minimal host registration', () => {
    expect(checkRegisterHost(goodHost)).toEqual({
      ...goodHost,
      namespace: 'default',
      pool: 'default',
      labels: {},
      tags: [],
      bmc: {
        ...goodHost.bmc,
        insecureSkipVerify: false,
        allowPlainHttp: false,
      },
    });
  });

  it.each([
    [{ ...goodHost, name: 'Node_1' }, /name: must be lowercase/],
    [{ ...goodHost, name: 'x'.repeat(64) }, /name:/],
    [
      { ...goodHost, bmc: { ...goodHost.bmc, address: 'ftp://10.0.0.1' } },
      /bmc\.address: must be an http or https URL/,
    ],
    [
      {
        ...goodHost,
        bmc: { ...goodHost.bmc, address: 'https://root:calvin@10.0.0.1' },
      },
      /bmc\.address: .*without credentials/,
    ],
    [
      { ...goodHost, bmc: { address: 'https://10.0.0.1' } },
      /bmc\.credentialsRef/,
    ],
    [
      { ...goodHost, bmc: { ...goodHost.bmc, password: 'x' } },
      /bmc\.password: is not allowed/,
    ],
    [{ ...goodHost, tags: 'gpu' }, /tags:/],
    [{ ...goodHost, labels: { 'bad key!': 'x' } }, /labels/],
    [{ ...goodHost, extra: 1 }, /extra/],
    ['not an object', /Invalid host registration/],
    [null, /Invalid host registration/],
  ])('rejects host registration %j', (body, message) => {
    expect(() => checkRegisterHost(body)).toThrow(message);
  });

  it('names the error as an InputError (HTTP 400)', () => {
    expect(() => checkRegisterHost({})).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
  });

  it('rejects an empty host update', () => {
    expect(() => checkUpdateHost({})).toThrow(
      /must NOT have fewer than 1 properties/,
    );
    expect(checkUpdateHost({ tags: ['gpu'] })).toEqual({ tags: ['gpu'] });
  });

  it('accepts a machine request and defaults the boot mode', () => {
    expect(checkMachineRequest(goodMachine)).toMatchObject({
      bootMode: 'UEFI',
      namespace: 'default',
      requirements: {},
    });
  });

  it.each([
    [{ ...goodMachine, osFamily: 'windows' }, /osFamily/],
    [{ ...goodMachine, provisioningMode: 'Magic' }, /provisioningMode/],
    [{ ...goodMachine, configUrl: undefined }, /configUrl: is required/],
    // eslint-disable-next-line no-script-url -- hostile input is the point
    [{ ...goodMachine, imageUrl: 'javascript:alert(1)' }, /imageUrl/],
    [
      { ...goodMachine, requirements: { minCpuCores: -1 } },
      /requirements\.minCpuCores/,
    ],
    [
      { ...goodMachine, requirements: { minMemoryGiB: 1.5 } },
      /requirements\.minMemoryGiB/,
    ],
    [
      {
        ...goodMachine,
        requirements: {
          selector: { matchExpressions: [{ key: 'rack', operator: 'In' }] },
        },
      },
      /In and NotIn need values/,
    ],
    [
      {
        ...goodMachine,
        requirements: {
          selector: {
            matchExpressions: [
              { key: 'rack', operator: 'Near', values: ['a'] },
            ],
          },
        },
      },
      /operator/,
    ],
  ])('rejects machine request %j', (body, message) => {
    expect(() => checkMachineRequest(body)).toThrow(message);
  });

  it('lets a Beskar7Machine name its bootstrap data instead of a config URL', () => {
    const { configUrl, ...fromSecret } = goodMachine;
    expect(() => checkMachineRequest(fromSecret)).toThrow(
      /configUrl: is required/,
    );
    expect(
      checkKubernetesMachineRequest({
        ...fromSecret,
        bootstrapDataSecret: 'worker-0-bootstrap',
      }),
    ).toMatchObject({ bootstrapDataSecret: 'worker-0-bootstrap' });
    expect(() =>
      checkKubernetesMachineRequest({
        ...fromSecret,
        bootstrapDataSecret: 'Not A Name',
      }),
    ).toThrow(/bootstrapDataSecret: must be a DNS subdomain/);
  });

  it('refuses what no column can store, naming the field', () => {
    expect(() =>
      checkRegisterHost({ ...goodHost, tags: ['a\u0000b'] }),
    ).toThrow(/tags\.0: must not contain NUL characters/);
  });

  it('reads repeated query keys of the host list, and single ones, as lists', () => {
    expect(
      parseListHostsQuery({
        state: ['Available', 'Error'],
        tag: 'gpu',
        label: ['rack=r1', 'zone=a'],
        offset: 0,
        limit: 20,
        orderBy: 'name',
        order: 'asc',
      }),
    ).toMatchObject({
      state: ['Available', 'Error'],
      tags: ['gpu'],
      labels: { rack: 'r1', zone: 'a' },
      limit: 20,
    });
  });
});
