// gateway.ConflictingGatewayAnalyzer: gateways with the same selector and port define overlapping hosts (IST0101, IST0145).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { hostMatches } from '../hosts';
import { arr, fullName, num, obj, spec, str, type MeshResource } from '../model';
import { gatewaySelector, selectorPath, selectorString } from './gwutil';

export const conflictingGatewayAnalyzer: MeshAnalyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  analyze(ctx) {
    // "selector~port" -> gateway full name -> hosts (a later server of the same gateway replaces an earlier one, as in Istio).
    const map = new Map<string, Map<string, { hosts: string[]; gw: MeshResource }>>();
    const portOf = (server: unknown) => num(obj(obj(server).port).number) ?? 0;
    for (const gw of ctx.forEach(GK.Gateway)) {
      const sel = selectorString(gatewaySelector(gw));
      for (const server of arr(spec(gw).servers)) {
        const key = `${sel}~${portOf(server)}`;
        if (!map.has(key)) map.set(key, new Map());
        map.get(key)!.set(fullName(gw), { hosts: arr(obj(server).hosts).map(str), gw });
      }
    }
    for (const gw of ctx.forEach(GK.Gateway)) {
      const selMap = gatewaySelector(gw);
      const sel = selectorString(selMap);
      if (sel !== '' && ![...map.keys()].some((k) => k.includes(sel))) {
        ctx.report('IST0101', gw, selectorPath(selMap), ['selector', sel]);
        continue;
      }
      arr(spec(gw).servers).forEach((server, i) => {
        const port = portOf(server);
        const hosts = arr(obj(server).hosts).map(str);
        const conflicts: { name: string; gw: MeshResource }[] = [];
        for (const [name, v] of map.get(`${sel}~${port}`) ?? []) {
          for (const h of hosts) {
            if (v.hosts.some((o) => hostMatches(h, o)) && name !== fullName(gw)) conflicts.push({ name, gw: v.gw });
          }
        }
        if (conflicts.length) {
          ctx.report('IST0145', gw, ['spec', 'servers', i, 'hosts'], [conflicts.map((c) => c.name).join(','), sel, String(port), hosts.join(',')],
            conflicts.map((c) => relatedAt(c.gw, `conflicting Gateway ${c.name}`, ['spec', 'servers'])));
        }
      });
    }
  },
};
