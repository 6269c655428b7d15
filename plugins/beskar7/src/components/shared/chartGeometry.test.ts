import { chartTop, levelY, linePath } from './chartGeometry';

describe('chart geometry', () => {
  it('leaves headroom above the largest value or limit', () => {
    expect(chartTop([1, 4, undefined, 2])).toBeCloseTo(4.4);
    expect(chartTop([1, 2], 10)).toBeCloseTo(11);
    expect(chartTop([0, 0])).toBe(1);
    expect(chartTop([])).toBe(1);
  });

  it('draws values left to right, zero at the bottom', () => {
    expect(linePath([0, 5, 10], 10, 100, 50)).toBe('M0,50 L50,25 L100,0');
  });

  it('breaks the line where a value is missing', () => {
    expect(linePath([1, undefined, 1, 1], 2, 30, 10)).toBe(
      'M0,5 L0,5 M20,5 L30,5',
    );
  });

  it('centres a single point and clips values above the top', () => {
    expect(linePath([20], 10, 100, 50)).toBe('M50,0 L50,0');
    expect(levelY(5, 10, 50)).toBe(25);
  });
});
