// service.PortNameAnalyzer: Service port names follow Istio's protocol naming convention (IST0118, IST0150 for ExternalName).
import type { Fix } from '../../core/types';
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { fix, replaceScalar } from '../fixes';
import { arr, labels, num, obj, spec, str, type MeshResource } from '../model';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);
const PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
const WELL_KNOWN_PORTS = new Set([3306]);
/** gateway.istio.io/managed values of the Services Istio creates for its gateways, waypoints and east-west gateways. */
const MANAGED_GATEWAY_CONTROLLERS = new Set(['istio.io-gateway-controller', 'istio.io-mesh-controller', 'istio.io-eastwest-controller']);

/** configKube.ConvertProtocol(...).IsUnsupported(). */
export function protocolUnsupported(port: number, name: string, protocol: string, appProtocol: string | undefined): boolean {
  if (protocol === 'UDP' || protocol === 'SCTP') return false;
  if (appProtocol !== undefined && PROTOCOLS.has(appProtocol.toLowerCase())) return false;
  if (name.toLowerCase().startsWith('grpc-web')) return false;
  const prefix = name.includes('-') ? name.slice(0, name.indexOf('-')) : name;
  if (PROTOCOLS.has(prefix.toLowerCase())) return false;
  return !WELL_KNOWN_PORTS.has(port);
}

export const portNameAnalyzer: MeshAnalyzer = {
  name: 'service.PortNameAnalyzer',
  analyze(ctx) {
    for (const r of ctx.subjects(GK.Service)) {
      if (SYSTEM_NAMESPACES.has(r.namespace)) continue;
      const l = labels(r);
      if ('istio' in l || l.release === 'istio') continue;
      // Services Istio manages for its gateways and waypoints are not the user's to rename.
      if (MANAGED_GATEWAY_CONTROLLERS.has(l['gateway.istio.io/managed'] ?? '')) continue;
      const s = spec(r);
      const external = str(s.type) === 'ExternalName';
      arr(s.ports).forEach((p0, i) => {
        const p = obj(p0);
        const name = str(p.name);
        const port = num(p.port) ?? 0;
        const app = p.appProtocol === undefined ? undefined : str(p.appProtocol);
        if (!(protocolUnsupported(port, name, str(p.protocol), app) || (name === 'tcp' && external))) return;
        const at = p.name === undefined ? ['spec', 'ports', i] : ['spec', 'ports', i, 'name'];
        if (external) ctx.report('IST0150', r, at, []);
        else ctx.report('IST0118', r, at, [name, port, str(p.targetPort) || '0'], [], p.name === undefined ? [] : renameFixes(r, i, name, port));
      });
    }
  },
};

/** Ports whose protocol the number makes obvious (the fix offered first and preferred). */
const OBVIOUS: Record<number, string> = { 80: 'http', 8080: 'http', 443: 'https', 8443: 'https', 3306: 'mysql', 6379: 'redis', 27017: 'mongo' };

/** Renames to "<protocol>-<name>" (or "<protocol>" for an empty name): the obvious protocol for the port, else http and tcp. */
function renameFixes(r: MeshResource, i: number, name: string, port: number): Fix[] {
  const obvious = OBVIOUS[port];
  const protocols = obvious ? [obvious] : ['http', 'tcp'];
  return protocols.flatMap((proto) => {
    const to = name ? `${proto}-${name}` : proto;
    return fix(`Rename port "${name}" to "${to}"`, replaceScalar(r, ['spec', 'ports', i, 'name'], to), !!obvious);
  });
}
