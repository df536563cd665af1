/**
 * Turns a Prometheus (or Loki metric) query result into something a model can
 * read in a few hundred tokens: per series its labels, min/max/last/mean and a
 * short downsampled line. The full result goes to an artifact; this is what
 * keeps a range query from flooding the context.
 */
import { z } from 'zod';

const sample = z.tuple([z.number(), z.string()]);
const labels = z.record(z.string(), z.string());

export const prometheusData = z.discriminatedUnion('resultType', [
  z.object({
    resultType: z.literal('matrix'),
    result: z.array(
      z.object({
        metric: labels,
        values: z.array(sample).optional(),
        histograms: z.array(z.unknown()).optional(),
      }),
    ),
  }),
  z.object({
    resultType: z.literal('vector'),
    result: z.array(
      z.object({ metric: labels, value: sample.optional(), histogram: z.unknown().optional() }),
    ),
  }),
  z.object({ resultType: z.literal('scalar'), result: sample }),
  z.object({ resultType: z.literal('string'), result: sample }),
]);

export type PrometheusData = z.infer<typeof prometheusData>;

export interface SummaryLimits {
  /** Series (or vector samples) listed; the rest are counted, not shown. */
  maxSeries: number;
  /** Points listed per series after downsampling. */
  maxPoints: number;
}

/** JSON has no NaN or infinities, so those values stay Prometheus' strings. */
export type SampleValue = number | string;

export type SeriesSummary = {
  labels: Record<string, string>;
  samples: number;
  min: number | null;
  max: number | null;
  last: SampleValue | null;
  mean: number | null;
  points: Array<[string, SampleValue]>;
};

export type VectorSample = {
  labels: Record<string, string>;
  time: string | null;
  value: SampleValue | null;
};

export type MatrixSummary = {
  resultType: 'matrix';
  seriesCount: number;
  seriesShown: number;
  series: SeriesSummary[];
  notes: string[];
};

export type VectorSummary = {
  resultType: 'vector';
  seriesCount: number;
  seriesShown: number;
  samples: VectorSample[];
  notes: string[];
};

export type ValueSummary = {
  resultType: 'scalar' | 'string';
  time: string;
  value: SampleValue;
  notes: string[];
};

/** Type aliases, not interfaces, and no optional fields: each is a tool result value as is. */
export type PrometheusSummary = MatrixSummary | VectorSummary | ValueSummary;

/**
 * Twelve significant digits: drops float noise from rate() (410.45399999999995 →
 * 410.454) and keeps counters exact up to a trillion.
 */
export function sampleValue(text: string): SampleValue {
  const value = Number(text);
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : text;
}

/** Prometheus sample times are float unix seconds; the model reads RFC 3339. */
export function isoTime(unixSeconds: number): string {
  return new Date(Math.round(unixSeconds * 1000)).toISOString();
}

/** Six significant digits: a mean's float noise is not information. */
function tidy(value: number): number {
  return Number(value.toPrecision(6));
}

/** Evenly spaced indices over `length`, first and last included. */
export function downsampleIndices(length: number, maxPoints: number): number[] {
  if (length <= maxPoints) return Array.from({ length }, (_, index) => index);
  if (maxPoints <= 1) return [length - 1];
  const indices = new Set<number>();
  for (let step = 0; step < maxPoints; step += 1) {
    indices.add(Math.round((step * (length - 1)) / (maxPoints - 1)));
  }
  return [...indices];
}

/** Descending by value; strings (NaN, ±Inf) and missing values sort last. */
function byValueDescending(left: SampleValue | null, right: SampleValue | null): number {
  const leftNumber = typeof left === 'number' ? left : Number.NEGATIVE_INFINITY;
  const rightNumber = typeof right === 'number' ? right : Number.NEGATIVE_INFINITY;
  return rightNumber - leftNumber;
}

export function summariseSeries(
  metric: Record<string, string>,
  values: ReadonlyArray<readonly [number, string]>,
  maxPoints: number,
): SeriesSummary {
  let min: number | null = null;
  let max: number | null = null;
  let sum = 0;
  let finite = 0;
  for (const [, text] of values) {
    const value = sampleValue(text);
    if (typeof value !== 'number') continue;
    min = min === null ? value : Math.min(min, value);
    max = max === null ? value : Math.max(max, value);
    sum += value;
    finite += 1;
  }
  const lastSample = values.at(-1);
  const points = downsampleIndices(values.length, maxPoints).flatMap((index) => {
    const point = values[index];
    return point === undefined
      ? []
      : [[isoTime(point[0]), sampleValue(point[1])] as [string, SampleValue]];
  });
  return {
    labels: { ...metric },
    samples: values.length,
    min,
    max,
    last: lastSample === undefined ? null : sampleValue(lastSample[1]),
    mean: finite === 0 ? null : tidy(sum / finite),
    points,
  };
}

export function summarisePrometheusData(
  data: PrometheusData,
  limits: SummaryLimits,
): PrometheusSummary {
  const notes: string[] = [];
  switch (data.resultType) {
    case 'matrix': {
      const all = data.result.map((series) =>
        summariseSeries(series.metric, series.values ?? [], limits.maxPoints),
      );
      if (data.result.some((series) => (series.histograms?.length ?? 0) > 0)) {
        notes.push('native histogram samples are not summarised; they are in the artifact');
      }
      all.sort((left, right) => byValueDescending(left.last, right.last));
      const series = all.slice(0, limits.maxSeries);
      if (all.length > series.length) {
        notes.push(
          `${all.length} series; the ${series.length} with the highest last value are shown: aggregate (sum by, topk) to see the others`,
        );
      }
      const downsampled = series.some((item) => item.samples > item.points.length);
      if (downsampled) notes.push(`points downsampled to at most ${limits.maxPoints} per series`);
      return {
        resultType: 'matrix',
        seriesCount: all.length,
        seriesShown: series.length,
        series,
        notes,
      };
    }
    case 'vector': {
      const all: VectorSample[] = data.result.map((item) => ({
        labels: { ...item.metric },
        time: item.value === undefined ? null : isoTime(item.value[0]),
        value: item.value === undefined ? null : sampleValue(item.value[1]),
      }));
      all.sort((left, right) => byValueDescending(left.value, right.value));
      const samples = all.slice(0, limits.maxSeries);
      if (all.length > samples.length) {
        notes.push(
          `${all.length} samples; the ${samples.length} highest are shown: aggregate (sum by, topk) to see the others`,
        );
      }
      return {
        resultType: 'vector',
        seriesCount: all.length,
        seriesShown: samples.length,
        samples,
        notes,
      };
    }
    default:
      return {
        resultType: data.resultType,
        time: isoTime(data.result[0]),
        value: data.resultType === 'scalar' ? sampleValue(data.result[1]) : data.result[1],
        notes,
      };
  }
}
