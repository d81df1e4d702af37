// Go to definition between VirtualService <-> DestinationRule <-> Gateway <-> Service hosts. Pure.
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Range } from '../core/types';
import { locate, type YamlPath } from './context';
import { GK } from './gvk';
import { convertHostToFQDN, resourceNameFromHost, shortOrFullName } from './hosts';
import type { MeshIndex } from './index';
import { arr, obj, spec, str, type MeshResource } from './model';

export interface DefinitionTarget {
  uri: string;
  range: Range;
}

/** Path of the scalar at offset inside node, or undefined; with `keys`, a mapping key counts as its value. */
export function pathAt(node: unknown, offset: number, path: (string | number)[] = [], keys = false): (string | number)[] | undefined {
  const inside = (n: { range?: [number, number, number] | null }) => !!n.range && offset >= n.range[0] && offset <= n.range[1];
  if (isScalar(node)) return inside(node) ? path : undefined;
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const p = [...path, String(item.key.value)];
      if (keys && inside(item.key)) return p;
      const found = pathAt(item.value, offset, p, keys);
      if (found) return found;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const found = pathAt(node.items[i], offset, [...path, i], keys);
      if (found) return found;
    }
  }
  return undefined;
}

function at(r: MeshResource, path: YamlPath = ['metadata', 'name']): DefinitionTarget {
  return { uri: r.uri, range: locate(r, path) };
}

/** Services, ServiceEntries and DestinationRules for a host seen from namespace ns. */
function hostTargets(index: MeshIndex, ns: string, host: string, skipRules = false): DefinitionTarget[] {
  const out: DefinitionTarget[] = [];
  const n = resourceNameFromHost(ns, host);
  // Every definition of the Service (alternatives in several files).
  for (const svc of index.getAll(GK.Service, n.namespace, n.name)) out.push(at(svc));
  for (const se of index.ofKind(GK.ServiceEntry)) {
    const i = arr(spec(se).hosts).map(str).indexOf(host);
    if (i >= 0) out.push(at(se, ['spec', 'hosts', i]));
  }
  if (!skipRules) {
    const fqdn = convertHostToFQDN(ns, host);
    for (const dr of index.ofKind(GK.DestinationRule)) {
      if (convertHostToFQDN(dr.namespace, str(spec(dr).host)) === fqdn) out.push(at(dr, ['spec', 'host']));
    }
  }
  return out;
}

export function definitionAt(index: MeshIndex, uri: string, offset: number): DefinitionTarget[] {
  const r = index.resourcesOf(uri).find((x) => {
    const d = x.file.docs[x.docIndex];
    return d && offset >= d.start && offset <= d.end && pathAt(x.doc.getIn(x.base, true) ?? x.doc.contents, offset);
  });
  if (!r) return [];
  const root = (r.base.length ? r.doc.getIn(r.base, true) : r.doc.contents) as Node;
  const path = pathAt(root, offset) ?? [];
  const p = path.join('.');
  const value = str((r.doc.getIn([...r.base, ...path]) as unknown) ?? '');
  if (r.gk === GK.VirtualService) {
    if (/^spec\.(http|tcp|tls)\.\d+\.route\.\d+\.destination\.host$|^spec\.http\.\d+\.mirror\.host$/.test(p)) return hostTargets(index, r.namespace, value);
    if (/^spec\.(http|tcp|tls)\.\d+\.route\.\d+\.destination\.subset$/.test(p)) {
      const host = str(obj(obj(obj(arr(obj(arr(spec(r)[path[1] as string])[path[2] as number]).route)[path[4] as number]).destination)).host);
      const fqdn = convertHostToFQDN(r.namespace, host);
      const out: DefinitionTarget[] = [];
      const rules = index.ofKind(GK.DestinationRule).filter((dr) => convertHostToFQDN(dr.namespace, str(spec(dr).host)) === fqdn);
      for (const dr of rules) {
        arr(spec(dr).subsets).forEach((ss, i) => {
          if (str(obj(ss).name) === value) out.push(at(dr, ['spec', 'subsets', i, 'name']));
        });
      }
      // A subset no rule defines: the rules for the host are where it belongs.
      return out.length ? out : rules.map((dr) => at(dr, ['spec', 'subsets']));
    }
    if (/^spec\.gateways\.\d+$/.test(p)) {
      const n = shortOrFullName(r.namespace, value);
      const gws = index.getAll(GK.Gateway, n.namespace, n.name);
      return (gws.length ? gws : index.getAll(GK.K8sGateway, n.namespace, n.name)).map((gw) => at(gw));
    }
    if (/^spec\.hosts\.\d+$/.test(p)) return hostTargets(index, r.namespace, value);
  }
  if (r.gk === GK.DestinationRule && p === 'spec.host') return hostTargets(index, r.namespace, value, true);
  if (r.gk === GK.Gateway && /^spec\.servers\.\d+\.hosts\.\d+$/.test(p)) {
    const host = value.includes('/') ? value.slice(value.indexOf('/') + 1) : value;
    return index.ofKind(GK.VirtualService).flatMap((vs) => arr(spec(vs).hosts).map(str).flatMap((h, i) => (h === host ? [at(vs, ['spec', 'hosts', i])] : [])));
  }
  return [];
}
