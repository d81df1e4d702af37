// schema.ValidationAnalyzer.VirtualService: Istio runs each kind's validation as an analyzer. Its errors and warnings are
// IST0106 SchemaValidationError / IST0133 SchemaWarning; the VirtualService validation also reports rules no request can
// reach (IST0130 VirtualServiceUnreachableRule) and matches an earlier one already takes (IST0131
// VirtualServiceIneffectiveMatch), as pkg/config/validation's analyzeUnreachable{HTTP,TCP,TLS}Rules do.
// The schema part is the product's own validation (schema.SchemaValidator). It already reports every schema issue in the
// default run, with precise codes: this analyzer repeats them as IST0106/IST0133 only when it runs without that analyzer
// (`--analyzers schema.ValidationAnalyzer.VirtualService`, as `istioctl analyze` would report them), never twice.
import { bundledSchemaStore, schemaAnalyzer } from '../../analysis/schema';
import { SchemaValidator } from '../../schema';
import { relatedAt, type AnalysisContext, type MeshAnalyzer, type YamlPath } from '../context';
import { GK } from '../gvk';
import { arr, num, obj, spec, str, type MeshResource, type Obj } from '../model';

const MATCH_EXACT = 'exact:';
const MATCH_PREFIX = 'prefix:';
/** Map-valued fields of the match messages: Go's encoding/json leaves an empty map out (omitempty). */
const MAP_FIELDS = new Set(['headers', 'queryParams', 'withoutHeaders', 'sourceLabels']);

let validator: SchemaValidator | undefined;

type RouteKind = 'http' | 'tcp' | 'tls';

interface Report {
  unreachable(rule: number, reason: string): void;
  ineffective(rule: number, match: number, matchStr: string, dupRule: string, dupPath: YamlPath): void;
}

/** Nodes looked at per match: far above any real match; YAML aliases can share (or nest) one structure many times. */
const MATCH_BUDGET = 10_000;

/**
 * The match as Go's json.Marshal of the proto struct would compare it: keys in a fixed order, zero values and empty
 * lists/maps left out (omitempty), the HTTP match's name removed. A structure that contains itself (an alias of an
 * ancestor) is cut where it repeats.
 */
function canonical(v: unknown, key: string, ancestors: Set<object>, budget: { left: number }): unknown {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return undefined;
  if (typeof v !== 'object') return v;
  if (ancestors.has(v) || --budget.left < 0) return '…';
  ancestors.add(v);
  let out: unknown;
  if (Array.isArray(v)) {
    const items = v.map((x) => canonical(x, '', ancestors, budget) ?? null);
    out = items.length ? items : undefined;
  } else {
    const o: Obj = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical((v as Obj)[k], k, ancestors, budget);
      if (c !== undefined) o[k] = c;
    }
    out = MAP_FIELDS.has(key) && !Object.keys(o).length ? undefined : o;
  }
  ancestors.delete(v);
  return out;
}

function matchKey(match: unknown, kind: RouteKind): string {
  const m = match !== null && typeof match === 'object' && !Array.isArray(match) && kind === 'http' ? { ...(match as Obj), name: undefined } : match;
  return JSON.stringify(canonical(m, '', new Set(), { left: MATCH_BUDGET }) ?? null);
}

/** Istio's routeName/requestName: the quoted name of an HTTP route or match, else "#index". */
function nameOf(item: unknown, index: number, kind: RouteKind): string {
  const name = kind === 'http' ? str(obj(item).name) : '';
  return name ? JSON.stringify(name) : `#${index}`;
}

/** exact:/prefix: form of a StringMatch ('' for regex or none). */
function exactOrPrefix(sm: unknown): string {
  const o = obj(sm);
  const exact = str(o.exact);
  if (exact) return MATCH_EXACT + exact;
  const prefix = str(o.prefix);
  return prefix ? MATCH_PREFIX + prefix : '';
}

function matchMap(v: unknown): Map<string, string> {
  return new Map(Object.entries(obj(v)).map(([k, x]) => [k, exactOrPrefix(x)]));
}

/** What the overlap check compares of a URI-prefix match (OverlappingMatchValidationForHTTPRoute). */
interface PrefixMatch {
  rule: number;
  match: number;
  routeStr: string;
  matchStr: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  queryParams: Map<string, string>;
  withoutHeaders: Map<string, string>;
}

function prefixMatch(route: unknown, match: unknown, rule: number, matchn: number): PrefixMatch | undefined {
  const m = obj(match);
  const prefix = str(obj(m.uri).prefix);
  if (!prefix) return undefined;
  return {
    rule, match: matchn, routeStr: nameOf(route, rule, 'http'), matchStr: nameOf(match, matchn, 'http'), prefix,
    port: num(m.port) ?? 0,
    // Without a method the match is taken to be for GET.
    method: exactOrPrefix(m.method) || `${MATCH_EXACT}GET`,
    authority: exactOrPrefix(m.authority),
    headers: matchMap(m.headers), queryParams: matchMap(m.queryParams), withoutHeaders: matchMap(m.withoutHeaders),
  };
}

/** Each value of a equals, or starts with, b's value for the same key (and both have the same keys). */
function mapCovered(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || (v !== w && !v.startsWith(w))) return false;
  }
  return true;
}

/** Whether the earlier prefix match a takes every request of the later b (coveredValidation). */
function covered(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.queryParams, b.queryParams) && mapCovered(a.withoutHeaders, b.withoutHeaders);
}

function analyzeRules(routes: unknown[], kind: RouteKind, report: Report): void {
  /** Match key -> where it first appeared. */
  const seen = new Map<string, { rule: number; match: number }>();
  let emptyMatchSeen = false;
  const prefixes: PrefixMatch[] = [];
  routes.forEach((route, rule) => {
    if (route === null || route === undefined) return;
    const matches = arr(obj(route).match);
    if (!matches.length) {
      if (emptyMatchSeen) report.unreachable(rule, 'only the last rule can have no matches');
      emptyMatchSeen = true;
      return;
    }
    let duplicates = 0;
    matches.forEach((match, matchn) => {
      const key = matchKey(match, kind);
      const dup = seen.get(key);
      if (dup !== undefined) {
        report.ineffective(rule, matchn, nameOf(match, matchn, kind), nameOf(routes[dup.rule], dup.rule, kind), ['spec', kind, dup.rule, 'match', dup.match]);
        duplicates++;
        return;
      }
      seen.set(key, { rule, match: matchn });
      if (kind === 'http') {
        const p = prefixMatch(route, match, rule, matchn);
        if (p) prefixes.push(p);
      }
    });
    if (duplicates === matches.length) report.unreachable(rule, 'all matches used by prior rules');
  });
  // An earlier URI prefix match that takes every request of a later, longer one (the same prefix is a duplicate above).
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      const a = prefixes[i];
      const b = prefixes[j];
      if (a.prefix === b.prefix || !covered(a, b)) continue;
      report.ineffective(b.rule, b.match, `${b.matchStr} of prefix ${b.prefix}`, `${a.matchStr} of prefix ${a.prefix} on ${a.routeStr}`, ['spec', kind, a.rule, 'match', a.match]);
    }
  }
}

function unreachableRules(ctx: AnalysisContext, vs: MeshResource): void {
  for (const kind of ['http', 'tcp', 'tls'] as const) {
    analyzeRules(arr(spec(vs)[kind]), kind, {
      unreachable: (rule, reason) => ctx.report('IST0130', vs, ['spec', kind, rule], [nameOf(arr(spec(vs)[kind])[rule], rule, kind), reason]),
      ineffective: (rule, match, matchStr, dupRule, dupPath) => ctx.report('IST0131', vs, ['spec', kind, rule, 'match', match],
        [nameOf(arr(spec(vs)[kind])[rule], rule, kind), matchStr, dupRule], [relatedAt(vs, `the earlier match (rule ${dupRule})`, dupPath)]),
    });
  }
}

/** The product's schema issues of the resource's document, as Istio's SchemaValidationError / SchemaWarning. */
function schemaIssues(ctx: AnalysisContext, r: MeshResource): void {
  const pd = r.file.docs.find((d) => d.index === r.docIndex);
  // An item of a List is validated as part of its List document, not on its own.
  if (!bundledSchemaStore || !pd || r.base.length) return;
  // Not remembered per document text (validateCached): this runs only when asked for by name, and the store's run-time
  // schemas (workspace CRDs) may change between runs.
  validator ??= new SchemaValidator(bundledSchemaStore);
  for (const issue of validator.validateDocument(pd, ctx.token)) {
    ctx.report(issue.severity === 'Error' ? 'IST0106' : 'IST0133', r, r.file.rangeOf(issue.start, issue.end), [issue.message]);
  }
}

export const virtualServiceValidationAnalyzer: MeshAnalyzer = {
  name: 'schema.ValidationAnalyzer.VirtualService',
  analyze(ctx) {
    const withSchema = ctx.only !== undefined && !ctx.only.has(schemaAnalyzer.name);
    for (const vs of ctx.subjects(GK.VirtualService)) {
      if (vs.assumed) continue;
      if (withSchema) schemaIssues(ctx, vs);
      unreachableRules(ctx, vs);
    }
  },
};
