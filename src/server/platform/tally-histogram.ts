import type { Registry } from 'prom-client';

type Value = { metricName: string; labels: Record<string, string | number>; value: number };
type Series = { labels: Record<string, string>; counts: Float64Array; sum: number; count: number };

/**
 * A Prometheus histogram for observations made on every request. prom-client's Histogram converts,
 * validates and hashes its labels on each observe, which cost more than a cached page read sends;
 * here a series is found by one string key and counted into an array, and the text is built only
 * when /metrics is scraped (through the same registry, so the output format is prom-client's).
 */
export class TallyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** `labelValues` in the order of the label names. */
  observe(labelValues: readonly string[], value: number): void {
    const key = labelValues.join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      const labels = Object.fromEntries(this.labelNames.map((name, i) => [name, labelValues[i] ?? '']));
      series = { labels, counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    // Counts per bucket (not cumulative) here; cumulated when scraped.
    const i = this.buckets.findIndex((bound) => value <= bound);
    if (i >= 0) series.counts[i]! += 1;
    series.sum += value;
    series.count += 1;
  }

  reset(): void {
    this.series.clear();
  }

  /** What prom-client's registry reads when it formats /metrics. */
  async get() {
    const values: Value[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
