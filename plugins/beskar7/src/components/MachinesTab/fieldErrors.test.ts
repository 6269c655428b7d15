import { fieldErrors } from './fieldErrors';

describe('fieldErrors', () => {
  it('gives each field named by the API its own message', () => {
    expect(
      fieldErrors(
        'Invalid machine request: imageUrl: must be an http URL; requirements.pool: too long',
      ),
    ).toEqual({
      fields: {
        imageUrl: 'must be an http URL',
        'requirements.pool': 'too long',
      },
      general: undefined,
    });
  });

  it('keeps a message that names no field as a whole', () => {
    expect(fieldErrors('Queue is full: try again later')).toEqual({
      fields: {},
      general: 'Queue is full: try again later',
    });
  });
});
