import { isBeskar7Entity, isBeskar7PoolEntity } from './entityPredicates';

const entity = (kind: string, annotations?: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('entity predicates', () => {
  it('gives the card to hosts, pools and anything naming a pool', () => {
    expect(
      isBeskar7Entity(entity('Resource', { 'beskar7.io/host-id': 'h' })),
    ).toBe(true);
    expect(
      isBeskar7Entity(entity('System', { 'beskar7.io/pool': 'gpu' })),
    ).toBe(true);
    expect(isBeskar7Entity(entity('Component'))).toBe(false);
    expect(
      isBeskar7Entity(entity('Component', { 'beskar7.io/pool': '' })),
    ).toBe(false);
  });

  it('gives the pool tab to entities naming a pool, not to single hosts', () => {
    expect(
      isBeskar7PoolEntity(entity('System', { 'beskar7.io/pool': 'gpu' })),
    ).toBe(true);
    expect(
      isBeskar7PoolEntity(
        entity('Resource', {
          'beskar7.io/pool': 'gpu',
          'beskar7.io/host-id': 'h',
        }),
      ),
    ).toBe(false);
    expect(isBeskar7PoolEntity(entity('Resource'))).toBe(false);
  });
});
