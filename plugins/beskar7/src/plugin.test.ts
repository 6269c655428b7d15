import { beskar7Plugin } from './plugin';

describe('beskar7', () => {
  it('should export plugin', () => {
    expect(beskar7Plugin).toBeDefined();
  });
});
