import { describeSpecErrors } from './specErrors';

describe('describeSpecErrors', () => {
  it('names each field the way the plugin validation does', () => {
    expect(
      describeSpecErrors(
        'request/body/prefix must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", request/body/requirements/minCpus must be integer',
      ),
    ).toBe(
      'Invalid request: prefix: must be lowercase letters, digits and "-", starting and ending with a letter or digit; requirements.minCpus: must be integer',
    );
  });

  it('names a missing property as the field that is required', () => {
    expect(
      describeSpecErrors("request/body must have required property 'imageUrl'"),
    ).toBe('Invalid request: imageUrl: is required');
  });

  it('keeps a pattern it has no words for, and problems of the whole body', () => {
    expect(
      describeSpecErrors(
        'request/query/cluster must match pattern "^x{0,3}$", request/body must be object',
      ),
    ).toBe(
      'Invalid request: cluster: must match pattern "^x{0,3}$"; request/body must be object',
    );
  });

  it('names the unknown fields it is given, once', () => {
    expect(
      describeSpecErrors(
        'request/body must NOT have additional properties, request/body/bmc must NOT have additional properties',
        ['extra: is not allowed', 'bmc.password: is not allowed'],
      ),
    ).toBe(
      'Invalid request: extra: is not allowed; bmc.password: is not allowed',
    );
  });

  it('leaves messages that are not the validator’s alone', () => {
    const own = 'Invalid machine request: prefix: must be lowercase';
    expect(describeSpecErrors(own)).toBe(own);
    expect(describeSpecErrors('Unsupported Content-Type text/plain')).toBe(
      'Unsupported Content-Type text/plain',
    );
  });
});
