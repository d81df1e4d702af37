// webhook.Analyzer: Istio's injection webhooks (MutatingWebhookConfigurations with a revision or a webhook named
// *istio.io) must not overlap: every permutation of the namespace labels (none, istio-injection enabled/disabled) and
// object labels (none, sidecar.istio.io/inject true/false), each also with istio.io/rev set to every revision found,
// is matched by at most one webhook; and each webhook's clientConfig.service exists (IST0139).
import { relatedAt, type AnalysisContext, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, labels, obj, str, strMap, type MeshResource } from '../model';

const REV_LABEL = 'istio.io/rev';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** validation.IsQualifiedName: an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 characters. */
function validLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && (parts[0] === '' || parts[0].length > 253 || !DNS1123_SUBDOMAIN.test(parts[0]))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** validation.IsValidLabelValue: empty, or a qualified name part of at most 63 characters. */
function validLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME.test(value));
}

/**
 * metav1.LabelSelectorAsSelector(selector).Matches(labels), as Istio's webhook analyzers call it: an absent selector
 * matches everything (the webhook default), an empty one too; an invalid one (bad key or value, unknown operator,
 * values where none belong or none where some must be) matches nothing.
 */
export function webhookSelectorMatches(selector: unknown, lbls: Readonly<Record<string, string>>): boolean {
  if (selector === undefined || selector === null) return true;
  if (typeof selector !== 'object' || Array.isArray(selector)) return false;
  const s = obj(selector);
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(lbls, k);
  for (const [k, v] of Object.entries(strMap(s.matchLabels))) {
    if (!validLabelKey(k) || !validLabelValue(v)) return false;
    if (!has(k) || lbls[k] !== v) return false;
  }
  let matches = true;
  for (const e of arr(s.matchExpressions).map(obj)) {
    const key = str(e.key);
    const values = arr(e.values).map(str);
    if (!validLabelKey(key)) return false;
    const op = str(e.operator);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0 || !values.every(validLabelValue)) return false;
      const inSet = has(key) && values.includes(lbls[key]);
      if (op === 'In' ? !inSet : inSet) matches = false;
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) return false;
      if ((op === 'Exists') !== has(key)) matches = false;
    } else {
      return false;
    }
  }
  return matches;
}

/** The webhooks of a MutatingWebhookConfiguration (each with its index in `webhooks`); entries that are not mappings aside. */
export function webhooksOf(r: MeshResource): { hook: Record<string, unknown>; index: number }[] {
  return arr(r.obj.webhooks).flatMap((h, index) => (h && typeof h === 'object' && !Array.isArray(h) ? [{ hook: obj(h), index }] : []));
}

/** Whether a webhook is one of Istio's (isIstioWebhook: its name ends with "istio.io"). */
export function isIstioWebhookName(name: string): boolean {
  return name.endsWith('istio.io');
}

/** extractRevisions: the MWC's istio.io/rev label and every istio.io/rev its webhooks' selectors name. */
function extractRevisions(r: MeshResource): string[] {
  const revs = new Set<string>();
  const l = labels(r);
  if (REV_LABEL in l) revs.add(l[REV_LABEL]);
  for (const { hook } of webhooksOf(r)) {
    for (const field of ['namespaceSelector', 'objectSelector']) {
      const sel = hook[field];
      if (sel === undefined || sel === null) continue;
      const s = obj(sel);
      const ml = strMap(s.matchLabels);
      if (REV_LABEL in ml) revs.add(ml[REV_LABEL]);
      for (const e of arr(s.matchExpressions).map(obj)) if (str(e.key) === REV_LABEL) for (const v of arr(e.values)) revs.add(str(v));
    }
  }
  return [...revs];
}

/** The label permutations: the bases alone, then each base with istio.io/rev set to each revision. */
function permutations(bases: Record<string, string>[], revisions: string[]): Record<string, string>[] {
  return [...bases, ...revisions.flatMap((rev) => bases.map((b) => ({ ...b, [REV_LABEL]: rev })))];
}

const NAMESPACE_LABELS: Record<string, string>[] = [{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }];
const OBJECT_LABELS: Record<string, string>[] = [{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }];

interface Hook {
  /** "<MWC name>/<webhook name>", as Istio names it in its messages. */
  key: string;
  r: MeshResource;
  index: number;
  hook: Record<string, unknown>;
}

export const webhookAnalyzer: MeshAnalyzer = {
  name: 'webhook.Analyzer',
  analyze(ctx) {
    const hooks: Hook[] = [];
    const revisions = new Set<string>();
    for (const r of ctx.forEach(GK.MutatingWebhookConfiguration)) {
      const revs = extractRevisions(r);
      const entries = webhooksOf(r);
      if (revs.length === 0 && !entries.some(({ hook }) => isIstioWebhookName(str(hook.name)))) continue;
      for (const { hook, index } of entries) hooks.push({ key: `${r.name}/${str(hook.name)}`, r, index, hook });
      for (const rev of revs) revisions.add(rev);
    }
    if (hooks.length === 0) return;
    const revs = [...revisions].sort();
    reportOverlaps(ctx, hooks, permutations(NAMESPACE_LABELS, revs), permutations(OBJECT_LABELS, revs));
    reportMissingServices(ctx, hooks);
  },
};

function reportOverlaps(ctx: AnalysisContext, hooks: Hook[], namespaceLabels: Record<string, string>[], objectLabels: Record<string, string>[]): void {
  const reported = new Set<string>();
  for (const nl of namespaceLabels) {
    for (const ol of objectLabels) {
      // Matches by Istio's key: definitions of one MWC in several files (alternatives) are one webhook.
      const matches = new Map<string, Hook[]>();
      for (const h of hooks) {
        if (!webhookSelectorMatches(h.hook.namespaceSelector, nl) || !webhookSelectorMatches(h.hook.objectSelector, ol)) continue;
        const list = matches.get(h.key);
        if (list) list.push(h);
        else matches.set(h.key, [h]);
      }
      if (matches.size < 2) continue;
      for (const [key, defs] of matches) {
        const others = [...matches.keys()].filter((k) => k !== key).sort();
        const message = `Webhook overlaps with others: [${others.join(' ')}]. This may cause injection to occur twice.`;
        const related = others.flatMap((k) => matches.get(k)!.map((o) => relatedAt(o.r, `Overlapping webhook ${k}`, ['webhooks', o.index, 'name'])));
        for (const h of defs) {
          // The same overlap shows under several label permutations: reported once (Istio dedupes its messages).
          const id = JSON.stringify([h.r.uri, h.r.docIndex, h.r.base, h.index, message]);
          if (reported.has(id)) continue;
          reported.add(id);
          ctx.report('IST0139', h.r, ['webhooks', h.index, 'name'], [message], related);
        }
      }
    }
  }
}

function reportMissingServices(ctx: AnalysisContext, hooks: Hook[]): void {
  for (const h of hooks) {
    const svc = obj(h.hook.clientConfig).service;
    if (!svc || typeof svc !== 'object') continue; // a URL: nothing to check
    const ns = str(obj(svc).namespace);
    const name = str(obj(svc).name);
    if (ctx.get(GK.Service, ns, name)) continue;
    const full = ns === '' ? name : `${ns}/${name}`;
    ctx.report('IST0139', h.r, ['webhooks', h.index, 'clientConfig', 'service', 'name'], [`Injector refers to a control plane service that does not exist: ${full}.`]);
  }
}
