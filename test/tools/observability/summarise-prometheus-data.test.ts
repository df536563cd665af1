import { describe, expect, it } from 'vitest';
import {
  downsampleIndices,
  type PrometheusSummary,
  summarisePrometheusData,
} from '../../../src/tools/observability/index.js';

const limits = { maxSeries: 20, maxPoints: 30 };
const start = 1_795_680_000;

/** Series `index` climbs from `index` by one per point: its last value ranks it. */
function matrix(seriesCount: number, pointCount: number) {
  return {
    resultType: 'matrix' as const,
    result: Array.from({ length: seriesCount }, (_, index) => ({
      metric: { __name__: 'http_requests_total', pod: `pod-${index}` },
      values: Array.from(
        { length: pointCount },
        (_, point) => [start + point * 15, String(index + point)] as [number, string],
      ),
    })),
  };
}

function expectMatrix(summary: PrometheusSummary) {
  if (summary.resultType !== 'matrix')
    throw new Error(`expected a matrix, got ${summary.resultType}`);
  return summary;
}

describe('summarisePrometheusData', () => {
  it('bounds a large range result: 20 series, 30 points each, highest last value first', () => {
    const summary = expectMatrix(summarisePrometheusData(matrix(50, 500), limits));
    expect(summary.seriesCount).toBe(50);
    expect(summary.seriesShown).toBe(20);
    expect(summary.series).toHaveLength(20);
    expect(summary.series.map((series) => series.labels.pod).slice(0, 3)).toEqual([
      'pod-49',
      'pod-48',
      'pod-47',
    ]);
    for (const series of summary.series) {
      expect(series.points.length).toBeLessThanOrEqual(30);
      expect(series.samples).toBe(500);
    }
    expect(JSON.stringify(summary).length).toBeLessThan(40_000);
    expect(summary.notes).toEqual([
      '50 series; the 20 with the highest last value are shown: aggregate (sum by, topk) to see the others',
      'points downsampled to at most 30 per series',
    ]);
  });

  it('computes min, max, last and mean over every point, not only the shown ones', () => {
    const summary = expectMatrix(summarisePrometheusData(matrix(1, 500), limits));
    const [series] = summary.series;
    expect(series).toMatchObject({ min: 0, max: 499, last: 499, mean: 249.5 });
    // The first and last points survive downsampling, as RFC 3339 times.
    expect(series?.points[0]).toEqual([new Date(start * 1000).toISOString(), 0]);
    expect(series?.points.at(-1)).toEqual([new Date((start + 499 * 15) * 1000).toISOString(), 499]);
  });

  it('keeps NaN and infinities as Prometheus spells them and leaves them out of the statistics', () => {
    const summary = expectMatrix(
      summarisePrometheusData(
        {
          resultType: 'matrix',
          result: [
            {
              metric: { job: 'api' },
              values: [
                [start, '1'],
                [start + 1, 'NaN'],
                [start + 2, '+Inf'],
                [start + 3, '3'],
              ],
            },
            { metric: { job: 'idle' }, values: [[start, 'NaN']] },
          ],
        },
        limits,
      ),
    );
    expect(summary.series[0]).toMatchObject({ min: 1, max: 3, last: 3, mean: 2 });
    expect(summary.series[0]?.points.map((point) => point[1])).toEqual([1, 'NaN', '+Inf', 3]);
    expect(summary.series[1]).toMatchObject({ min: null, max: null, last: 'NaN', mean: null });
  });

  it('drops float noise from values but keeps large counters exact', () => {
    const summary = expectMatrix(
      summarisePrometheusData(
        {
          resultType: 'matrix',
          result: [
            { metric: { status: '200' }, values: [[start, '410.45399999999995']] },
            { metric: { status: '500' }, values: [[start, '987654321012']] },
          ],
        },
        limits,
      ),
    );
    expect(summary.series.map((series) => series.last)).toEqual([987_654_321_012, 410.454]);
  });

  it('caps an instant vector and sorts it by value', () => {
    const summary = summarisePrometheusData(
      {
        resultType: 'vector',
        result: Array.from({ length: 25 }, (_, index) => ({
          metric: { pod: `pod-${index}` },
          value: [start, String(index)] as [number, string],
        })),
      },
      limits,
    );
    if (summary.resultType !== 'vector') throw new Error('expected a vector');
    expect(summary.seriesCount).toBe(25);
    expect(summary.samples).toHaveLength(20);
    expect(summary.samples[0]).toEqual({
      labels: { pod: 'pod-24' },
      time: new Date(start * 1000).toISOString(),
      value: 24,
    });
  });

  it('returns a scalar as its value and time', () => {
    expect(
      summarisePrometheusData({ resultType: 'scalar', result: [start, '0.5'] }, limits),
    ).toEqual({
      resultType: 'scalar',
      time: new Date(start * 1000).toISOString(),
      value: 0.5,
      notes: [],
    });
  });
});

describe('downsampleIndices', () => {
  it('keeps every index of a short series and spreads a long one evenly, ends included', () => {
    expect(downsampleIndices(5, 30)).toEqual([0, 1, 2, 3, 4]);
    const indices = downsampleIndices(1_000, 30);
    expect(indices).toHaveLength(30);
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(999);
    expect([...indices].sort((left, right) => left - right)).toEqual(indices);
  });
});
