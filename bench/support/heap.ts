/** The api's V8 heap and off-heap memory at one moment, from its Prometheus default metrics. */
export interface HeapSample {
  at: number;
  heapTotalMb: number;
  heapUsedMb: number;
  /** Buffers and other memory V8 tracks outside its heap. */
  externalMb: number;
}

const MB = 1024 * 1024;

function gauge(metrics: string, name: string): number {
  const match = new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(metrics);
  return match ? Number(match[1]) / MB : Number.NaN;
}

/**
 * Samples the heap of a process that serves /metrics (prom-client's default metrics) every `intervalMs`, so an
 * RSS peak can be split into V8's heap, what lives beside it, and the rest (code, stacks, the allocator's slack).
 */
export class HeapSampler {
  readonly samples: HeapSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly metricsUrl: string,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  /** The sample taken nearest to `at` (performance.now()), if any. */
  nearest(at: number): HeapSample | undefined {
    return this.samples.reduce<HeapSample | undefined>(
      (best, sample) => (!best || Math.abs(sample.at - at) < Math.abs(best.at - at) ? sample : best),
      undefined,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    const at = performance.now();
    try {
      const metrics = await (await fetch(this.metricsUrl, { signal: AbortSignal.timeout(2000) })).text();
      this.samples.push({
        at,
        heapTotalMb: gauge(metrics, 'nodejs_heap_size_total_bytes'),
        heapUsedMb: gauge(metrics, 'nodejs_heap_size_used_bytes'),
        externalMb: gauge(metrics, 'nodejs_external_memory_bytes'),
      });
    } catch {
      // A scrape that did not answer in time (the api busy with a batch) is a missing sample, not an error.
    }
  }
}
