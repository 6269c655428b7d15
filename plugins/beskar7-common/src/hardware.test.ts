import { hardwareLabel } from './hardware';

describe('hardwareLabel', () => {
  it.each([
    ['HPE', 'HPE CRAY EX425 (MILAN)', 'HPE CRAY EX425 (MILAN)'],
    ['Dell Inc.', 'PowerEdge R6515', 'Dell Inc. PowerEdge R6515'],
    ['Lenovo', 'LenovoX 1', 'Lenovo LenovoX 1'],
    ['hpe', 'HPE', 'HPE'],
    [undefined, 'R650', 'R650'],
    ['Supermicro', undefined, 'Supermicro'],
    [undefined, undefined, ''],
  ])('%s and %s read %s', (manufacturer, model, label) => {
    expect(hardwareLabel(manufacturer, model)).toBe(label);
  });
});
