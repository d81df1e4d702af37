// Prometheus HTTP API client (instant queries). Pure: fetch only, no vscode. Expected failures are values.
import type { Result } from '../../server/src/core/types';

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface PromClientOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 (a path prefix is kept). */
  url: string;
  /** Per-query timeout in ms (sent to Prometheus as well). */
  timeoutMs: number;
  /** At most this many series per answer; more is refused as malformed/unbounded. */
  maxSeries?: number;
}

export const DEFAULT_MAX_SERIES = 50_000;

export class PrometheusClient {
  constructor(private readonly opts: PromClientOptions) {}

  /** Instant query at `time` (Unix seconds). Never throws: down, slow, cancelled or malformed answers are errors. */
  async query(promql: string, time: number | undefined, signal?: AbortSignal): Promise<Result<Sample[]>> {
    let base: URL;
    try {
      base = new URL(this.opts.url.replace(/\/?$/, '/'));
      if (base.protocol !== 'http:' && base.protocol !== 'https:') return { ok: false, error: `Prometheus URL must be http(s): ${this.opts.url}` };
    } catch {
      return { ok: false, error: `invalid Prometheus URL "${this.opts.url}"` };
    }
    const body = new URLSearchParams({ query: promql, timeout: `${Math.max(1, Math.floor(this.opts.timeoutMs / 1000))}s` });
    if (time !== undefined) body.set('time', String(time));
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const all = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let text: string;
    let status: number;
    try {
      const res = await fetch(new URL('api/v1/query', base), {
        method: 'POST', body, signal: all, headers: { accept: 'application/json' },
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) return { ok: false, error: 'cancelled' };
      if (timeout.aborted) return { ok: false, error: `Prometheus did not answer within ${this.opts.timeoutMs} ms (${base.origin})` };
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { ok: false, error: `Prometheus is unreachable at ${base.origin}${cause ? ` (${cause})` : ''}` };
    }
    return parseQueryResponse(status, text, this.opts.maxSeries ?? DEFAULT_MAX_SERIES);
  }
}

/** Validates a /api/v1/query answer: a vector of {metric: {string: string}, value: [ts, "number"]}. */
export function parseQueryResponse(status: number, text: string, maxSeries = DEFAULT_MAX_SERIES): Result<Sample[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: `Prometheus answered HTTP ${status} with something that is not JSON: ${clip(text)}` };
  }
  const o = json as { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (o?.status !== 'success') {
    const msg = typeof o?.error === 'string' ? o.error : clip(text);
    return { ok: false, error: `Prometheus query failed (HTTP ${status}): ${msg}` };
  }
  if (o.data?.resultType !== 'vector' || !Array.isArray(o.data.result)) {
    return { ok: false, error: `unexpected Prometheus answer: expected a vector, got ${String(o.data?.resultType)}` };
  }
  if (o.data.result.length > maxSeries) return { ok: false, error: `Prometheus returned ${o.data.result.length} series (limit ${maxSeries})` };
  const out: Sample[] = [];
  for (const r of o.data.result as unknown[]) {
    const s = r as { metric?: unknown; value?: unknown };
    if (!s || typeof s.metric !== 'object' || s.metric === null || !Array.isArray(s.value) || s.value.length !== 2) {
      return { ok: false, error: 'malformed sample in the Prometheus answer' };
    }
    const metric: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.metric)) if (typeof v === 'string') metric[k] = v;
    const value = Number(s.value[1]);
    if (!Number.isFinite(value)) continue; // NaN from histogram_quantile on empty buckets
    out.push({ metric, value });
  }
  return { ok: true, value: out };
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}...` : one;
}
