import { timeTicks } from './timeFormat';

describe('timeTicks', () => {
  const at = (h: number, m: number, s = 0) => Date.UTC(2026, 11, 4, h, m, s);

  it('puts ticks on whole minutes across a few minutes, never twice the same label', () => {
    expect(timeTicks(at(15, 30, 40), at(15, 34, 10))).toEqual([
      at(15, 31),
      at(15, 32),
      at(15, 33),
      at(15, 34),
    ]);
  });

  it('spreads ticks over half an hour five minutes apart', () => {
    expect(timeTicks(at(15, 0, 5), at(15, 29, 55))).toEqual([
      at(15, 5),
      at(15, 10),
      at(15, 15),
      at(15, 20),
      at(15, 25),
    ]);
  });

  it('uses seconds for a window under a minute', () => {
    expect(timeTicks(at(15, 0, 0), at(15, 0, 40))).toEqual([
      at(15, 0, 0),
      at(15, 0, 10),
      at(15, 0, 20),
      at(15, 0, 30),
      at(15, 0, 40),
    ]);
  });
});
