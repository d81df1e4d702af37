// gateway.ConflictingGatewayAnalyzer: gateways selecting the same workload define the same host and bind on one port
// (IST0101 for a selector that matches nothing, IST0145).
import { relatedAt, type AnalysisContext, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { identityOf } from '../index';
import { arr, fullName, labels, num, obj, selectorMatches, spec, str, type MeshResource } from '../model';
import { gatewaySelector, selectorPath, selectorString } from './gwutil';

/**
 * "selector~port" -> gateway -> host -> bind (gatewaysContextMap, keyed by full name there; here by definition, since a
 * gateway defined in several files has alternatives, none of which conflicts with another).
 */
type GatewaysMap = Map<string, Group>;

/** The gateways of one "selector~port" key, with the key's parts as Istio splits it (once, not per comparison). */
interface Group {
  /** The selector part ('' when the key does not split in two, as in Istio). */
  sel: string;
  /** The part after the first "~". */
  port: string | undefined;
  gateways: Map<string, Known>;
}

interface Known {
  hosts: Map<string, string>;
  gw: MeshResource;
  /** identityOf(gw): gateways are compared with every other on each port, so the identity is looked up once. */
  id: string;
}

export const conflictingGatewayAnalyzer: MeshAnalyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  analyze(ctx) {
    const map: GatewaysMap = new Map();
    for (const gw of ctx.forEach(GK.Gateway)) {
      const sel = selectorString(gatewaySelector(gw));
      for (const server of arr(spec(gw).servers)) {
        const key = `${sel}~${portOf(server)}`;
        let group = map.get(key);
        if (!group) {
          const parts = key.split('~');
          map.set(key, (group = { sel: parts.length === 2 ? parts[0] : '', port: parts[1], gateways: new Map() }));
        }
        const hb = new Map<string, string>();
        for (const h of arr(obj(server).hosts).map(str)) hb.set(h, str(obj(server).bind));
        group.gateways.set(definitionKey(gw), { hosts: hb, gw, id: identityOf(gw) });
      }
    }
    for (const gw of ctx.forEach(GK.Gateway)) analyzeGateway(ctx, gw, map);
  },
};

function definitionKey(r: MeshResource): string {
  return JSON.stringify([fullName(r), r.uri, r.docIndex, r.base]);
}

function portOf(server: unknown): number {
  return num(obj(obj(server).port).number) ?? 0;
}

function parseSelector(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of s.split(',')) {
    const kv = pair.split('=');
    if (kv.length === 2) out[kv[0]] = kv[1];
  }
  return out;
}

function analyzeGateway(ctx: AnalysisContext, gw: MeshResource, map: GatewaysMap): void {
  const selMap = gatewaySelector(gw);
  const sel = selectorString(selMap);
  const id = identityOf(gw);
  // The pods gw selects, asked for once (the answer and the read it records are the same every time).
  let pods: readonly MeshResource[] | undefined;
  const hit: Group[] = [];
  for (const group of map.values()) {
    const xSel = group.sel;
    let matched = sel === xSel;
    if (!matched && (xSel.includes(sel) || sel.includes(xSel))) {
      const x = parseSelector(xSel);
      matched = (pods ??= ctx.selected(GK.Pod, selMap)).some((p) => selectorMatches(x, labels(p)));
    }
    if (matched) hit.push(group);
  }
  if (sel !== '' && hit.length === 0) {
    ctx.report('IST0101', gw, selectorPath(selMap), ['selector', sel]);
    return;
  }
  arr(spec(gw).servers).forEach((server, i) => {
    const port = String(portOf(server));
    const hosts = arr(obj(server).hosts).map(str);
    const bind = str(obj(server).bind);
    const conflicts: { name: string; gw: MeshResource }[] = [];
    for (const group of hit) {
      if (group.port !== port) continue;
      for (const v of group.gateways.values()) {
        if (v.gw !== gw && v.id !== id && checkDuplicates(hosts, bind, v.hosts)) conflicts.push({ name: fullName(v.gw), gw: v.gw });
      }
    }
    if (conflicts.length) {
      const names = [...new Set(conflicts.map((c) => c.name))].sort();
      ctx.report('IST0145', gw, ['spec', 'servers', i, 'hosts'], [names.join(','), sel, port, hosts.join(',')],
        conflicts.map((c) => relatedAt(c.gw, `conflicting Gateway ${c.name}`, ['spec', 'servers'])));
    }
  });
}

/** model.CheckDuplicates: hosts already known with the same bind; when none, the hosts become known (Istio mutates the map). */
function checkDuplicates(hosts: readonly string[], bind: string, known: Map<string, string>): boolean {
  for (const h of hosts) if (known.get(h) === bind) return true;
  for (const h of hosts) known.set(h, bind);
  return false;
}
