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
export interface Group {
  /** The selector part ('' when the key does not split in two, as in Istio). */
  sel: string;
  /** The part after the first "~". */
  port: string | undefined;
  gateways: Map<string, Known>;
  /** Made when a gateway is first compared with the group's. */
  overlay?: Overlay;
}

export interface Known {
  /** The hosts of the gateway's server and their bind, as first known (never changed: writes go to the group's log). */
  hosts: Map<string, string>;
  gw: MeshResource;
  /** identityOf(gw): gateways are compared with every other on each port, so the identity is looked up once. */
  id: string;
  /** Position in its group's gateways. */
  at: number;
}

/**
 * Istio's comparison mutates the maps it compares with (model.CheckDuplicates adds the hosts of a gateway without a
 * conflict to the other gateway's map), so a gateway is compared with what the gateways analyzed before it added. Done
 * literally that is quadratic in the gateways of a key and adds every host to every map; here the additions are kept
 * once per group, as a log per host of "every gateway of the group but these now maps this host to this bind", and a
 * gateway's map is its own hosts overlaid with the log entries that do not exclude it: the same answers, per gateway and
 * host, as the mutated maps would give.
 */
interface Overlay {
  /** The group's gateways, in the map's order. */
  members: Known[];
  /** Per identity, the group's gateways with it (a gateway is never compared with a definition of itself). */
  byId: Map<string, Known[]>;
  /** Per host, the group's gateways whose own hosts have it. */
  owners: Map<string, Known[]>;
  /** Per host, the additions in order: every gateway of the group not in `except` maps the host to `bind`. */
  writes: Map<string, { bind: string; except: Set<Known> }[]>;
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
        group.gateways.set(definitionKey(gw), { hosts: hb, gw, id: identityOf(gw), at: 0 });
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
      for (const v of checkGroup(group, id, hosts, bind)) conflicts.push({ name: fullName(v.gw), gw: v.gw });
    }
    if (conflicts.length) {
      const names = [...new Set(conflicts.map((c) => c.name))].sort();
      ctx.report('IST0145', gw, ['spec', 'servers', i, 'hosts'], [names.join(','), sel, port, hosts.join(',')],
        conflicts.map((c) => relatedAt(c.gw, `conflicting Gateway ${c.name}`, ['spec', 'servers'])));
    }
  });
}

/**
 * model.CheckDuplicates(hosts, bind, v) for every gateway v of the group in order, but definitions of the gateway itself
 * (identity `id`): the gateways that already know one of the hosts with the same bind (a conflict), in the group's order.
 * Each of the others learns the hosts with this bind (Istio mutates their maps).
 */
export function checkGroup(group: Group, id: string, hosts: readonly string[], bind: string): Known[] {
  const o = (group.overlay ??= overlayOf(group));
  const self = o.byId.get(id) ?? [];
  const skip = (v: Known) => v.id === id;
  // The gateways knowing a host with this bind: all but some when the host's last addition has this bind, else some.
  const found = new Set<Known>();
  let allBut: Set<Known>[] | undefined;
  for (const h of hosts) {
    const log = o.writes.get(h);
    if (!log) {
      for (const v of o.owners.get(h) ?? []) if (v.hosts.get(h) === bind && !skip(v)) found.add(v);
      continue;
    }
    const last = log[log.length - 1];
    if (last.bind === bind) (allBut ??= []).push(last.except);
    for (const v of last.except) if (!skip(v) && knownBind(o, v, h) === bind) found.add(v);
  }
  let conflicts: Known[];
  if (allBut) conflicts = o.members.filter((v) => !skip(v) && (found.has(v) || allBut!.some((except) => !except.has(v))));
  else conflicts = [...found].sort((a, b) => a.at - b.at);
  // The others learn the hosts (when there are others).
  if (o.members.length > self.length + conflicts.length) {
    const except = new Set([...self, ...conflicts]);
    for (const h of new Set(hosts)) {
      const log = o.writes.get(h);
      if (log) log.push({ bind, except });
      else o.writes.set(h, [{ bind, except }]);
    }
  }
  return conflicts;
}

/** The bind gateway v knows host h with: the last addition to it, else its own (undefined: it does not know h). */
function knownBind(o: Overlay, v: Known, h: string): string | undefined {
  const log = o.writes.get(h);
  if (log) for (let i = log.length - 1; i >= 0; i--) if (!log[i].except.has(v)) return log[i].bind;
  return v.hosts.get(h);
}

function overlayOf(group: Group): Overlay {
  const o: Overlay = { members: [...group.gateways.values()], byId: new Map(), owners: new Map(), writes: new Map() };
  o.members.forEach((v, i) => {
    v.at = i;
    add(o.byId, v.id, v);
    for (const h of v.hosts.keys()) add(o.owners, h, v);
  });
  return o;
}

function add<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
