// gateway.IngressGatewayPortAnalyzer: a Gateway's ports are exposed by a Service of the workload it selects (IST0101, IST0162).
import { relatedAt, type AnalysisContext, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, labels, num, obj, selectorMatches, spec, specSelector, str, type MeshResource } from '../model';
import { gatewaySelector, selectorKey, selectorPath, selectorString } from './gwutil';

export const ingressGatewayPortAnalyzer: MeshAnalyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  analyze(ctx) {
    for (const gw of ctx.subjects(GK.Gateway)) {
      const sel = gatewaySelector(gw);
      // Gateways mostly share a few selectors: what a selector reaches is computed once per selector.
      const { ports, matches, firstPod } = ctx.memo(`IngressGatewayPort|${selectorKey(sel)}`, () => reachOf(ctx, sel));
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

function reachOf(ctx: AnalysisContext, sel: Record<string, string>): { ports: Set<number>; matches: number; firstPod: MeshResource | undefined } {
  const ports = new Set<number>();
  const pods = ctx.selected(GK.Pod, sel);
  for (const pod of pods) {
    const lbls = labels(pod);
    for (const svc of ctx.where(GK.Service, (s) => selectorMatches(specSelector(s), lbls), pod.namespace)) {
      for (const p of arr(spec(svc).ports)) {
        if (str(obj(p).protocol) !== 'TCP') continue;
        // A server port may name the target port the workload listens on, or a Service port that istiod translates to
        // its target port (Istio's gateway port translation; analyzer cases gatewayCustomIngressGateway/...Translation).
        const target = num(obj(p).targetPort);
        if (target) ports.add(target);
        ports.add(num(obj(p).port) ?? 0);
      }
    }
  }
  return { ports, matches: pods.length, firstPod: pods[0] };
}
