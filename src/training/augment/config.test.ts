import { describe, expect, test } from 'vitest';
import { AugmentParseError, formatAugmentConfig, parseAugmentList } from './index.js';

describe('--augment parser', () => {
  test('accepts the documented example', () => {
    const config = parseAugmentList('flip,rotate:15,crop:0.8,color:0.2,affine,cutmix:1.0,randaugment:2:9');
    expect(config).toEqual({
      flip: { p: 0.5 },
      rotate: { degrees: 15, fill: 'zero' },
      crop: { scale: [0.8, 1], ratio: [3 / 4, 4 / 3] },
      color: { brightness: 0.2, contrast: 0.2 },
      affine: { shearDegrees: 10, translate: 0.1, fill: 'zero' },
      cutmix: { alpha: 1, p: 0.5 },
      randaugment: { n: 2, m: 9 },
    });
    expect(parseAugmentList(formatAugmentConfig(config))).toEqual(config);
  });

  test('accepts spaces, upper case, optional arguments and "none"', () => {
    expect(parseAugmentList(' Flip:1 , rotate:10:edge ')).toEqual({ flip: { p: 1 }, rotate: { degrees: 10, fill: 'edge' } });
    expect(parseAugmentList('none')).toEqual({});
    expect(parseAugmentList('')).toEqual({});
    expect(formatAugmentConfig({})).toBe('none');
  });

  test.each([
    ['flip,rotat:15', 'rotat:15', 'unknown augmentation'],
    ['rotate:abc', 'rotate:abc', 'DEGREES must be a number'],
    ['flip:1.5', 'flip:1.5', 'P must be in [0, 1]'],
    ['crop:0', 'crop:0', 'MIN_SCALE must be in (0, 1]'],
    ['randaugment:2.5:9', 'randaugment:2.5:9', 'N must be a whole number'],
    ['randaugment:2:11', 'randaugment:2:11', 'M must be in [0, 10]'],
    ['rotate:10:blue', 'rotate:10:blue', 'fill must be "zero" or "edge"'],
    ['flip:0.5:1', 'flip:0.5:1', 'too many arguments'],
    ['flip,,rotate', '', 'empty item'],
    ['flip,flip:1', 'flip:1', 'more than once'],
    ['cutmix:', 'cutmix:', 'ALPHA must be a number'],
  ])('rejects %j naming the bad item', (list, item, problem) => {
    let error: unknown;
    try {
      parseAugmentList(list);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AugmentParseError);
    const e = error as AugmentParseError;
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.item).toBe(item);
    expect(e.message).toContain(`"${item}"`);
    expect(e.message).toContain(problem);
  });
});
