import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

// The generator is a plain node script, run by hand and by CI (--check).
const { generate } = require('../../scripts/generate-openapi-client.js');

describe('generate-openapi-client', () => {
  const spec = () =>
    parse(readFileSync(resolve(__dirname, 'openapi.yaml'), 'utf8'));

  it('types every operation of the spec', () => {
    const files: Map<string, string> = generate(spec());
    const [client, responses] = [...files.values()];

    expect(client).toContain('async listHosts(');
    expect(client).toContain('Promise<Page<Host>>');
    expect(client).toContain('{ status: 200 | 201; body: Machine }');
    expect(responses).toContain(`'/hosts/{id}': { get: HostDetails;`);
  });

  it('fails for a component schema without a -common type of its name', () => {
    const broken = spec();
    broken.components.schemas.HostWithNoType = { type: 'object' };
    broken['x-component-types'].MachinePage.type = 'Page<NoSuchMachine>';

    expect(() => generate(broken)).toThrow(
      /MachinePage \(NoSuchMachine from .*HostWithNoType \(HostWithNoType from/,
    );
  });

  it('fails for a body without a shape', () => {
    const broken = spec();
    broken.paths['/pools'].get.responses['200'].content[
      'application/json'
    ].schema = { type: 'object' };

    expect(() => generate(broken)).toThrow('GET /pools: the body has no shape');
  });

  it('fails for an operation without an operationId', () => {
    const broken = spec();
    delete broken.paths['/queue'].get.operationId;

    expect(() => generate(broken)).toThrow('GET /queue has no operationId');
  });
});
