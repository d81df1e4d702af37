// gateway.IngressGatewayPortAnalyzer: a Gateway's ports are exposed by a Service of the workload it selects (IST0101, IST0162).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, labels, num, obj, selectorMatches, spec, str, strMap, type MeshResource } from '../model';
import { gatewaySelector, selectorPath, selectorString } from './gwutil';

export const ingressGatewayPortAnalyzer: MeshAnalyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  analyze(ctx) {
    // Gateways mostly share a few selectors: what a selector reaches is computed once per selector.
    const bySelector = new Map<string, { ports: Set<number>; matches: number; firstPod: MeshResource | undefined }>();
    const servicesByNs = new Map<string, MeshResource[]>();
    for (const svc of ctx.forEach(GK.Service)) {
      const list = servicesByNs.get(svc.namespace);
      if (list) list.push(svc);
      else servicesByNs.set(svc.namespace, [svc]);
    }
    for (const gw of ctx.forEach(GK.Gateway)) {
      const sel = gatewaySelector(gw);
      const key = selectorString(sel);
      let reach = bySelector.get(key);
      if (!reach) bySelector.set(key, (reach = reachOf(ctx.forEach(GK.Pod), servicesByNs, sel)));
      const { ports, matches, firstPod } = reach;
      if (matches === 0) {
        ctx.report('IST0101', gw, selectorPath(sel), ['selector', selectorString(sel)]);
        continue;
      }
      arr(spec(gw).servers).forEach((server, i) => {
        const port = obj(server).port;
        if (!port || typeof port !== 'object') return;
        const n = num(obj(port).number) ?? 0;
        if (!ports.has(n)) {
          ctx.report('IST0162', gw, ['spec', 'servers', i, 'port', 'number'], [n, selectorString(sel)],
            firstPod ? [relatedAt(firstPod, `${firstPod.kind} selected by the gateway`)] : []);
        }
      });
    }
  },
};

function reachOf(pods: readonly MeshResource[], servicesByNs: Map<string, MeshResource[]>, sel: Record<string, string>): { ports: Set<number>; matches: number; firstPod: MeshResource | undefined } {
  const ports = new Set<number>();
  let matches = 0;
  let firstPod: MeshResource | undefined;
  for (const pod of pods) {
    if (!selectorMatches(sel, labels(pod))) continue;
    matches++;
    firstPod ??= pod;
    for (const svc of servicesByNs.get(pod.namespace) ?? []) {
      if (!selectorMatches(strMap(spec(svc).selector), labels(pod))) continue;
      for (const p of arr(spec(svc).ports)) {
        // The gateway listens on the target port that reaches the workload (Istio: TargetPort.IntValue() or Port).
        if (str(obj(p).protocol) === 'TCP') ports.add(num(obj(p).targetPort) || (num(obj(p).port) ?? 0));
      }
    }
  }
  return { ports, matches, firstPod };
}
