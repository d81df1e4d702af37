// meshnetworks.MeshNetworksAnalyzer: every `fromRegistry` of the mesh networks names a known service registry: Istio's
// own (Mock, Kubernetes, External) or a cluster of a remote secret (a key of the data of a Secret labelled
// istio/multiCluster=true) (IST0126).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { meshNetworksResource } from '../meshnetworks';
import { arr, labels, obj, str } from '../model';

/** provider.Mock, provider.Kubernetes, provider.External (case matters). */
const ISTIO_REGISTRIES = ['Mock', 'Kubernetes', 'External'];
const MULTICLUSTER_SECRET_LABEL = 'istio/multiCluster';

export const meshNetworksAnalyzer: MeshAnalyzer = {
  name: 'meshnetworks.MeshNetworksAnalyzer',
  analyze(ctx) {
    const networks = Object.entries(obj(ctx.meshNetworks.networks));
    if (networks.length === 0) return;
    const known = new Set(ISTIO_REGISTRIES);
    // As in Istio, only `data` counts: `stringData` is the API server's to move into `data`, and istioctl reads files as they are.
    for (const s of ctx.where(GK.Secret, (r) => labels(r)[MULTICLUSTER_SECRET_LABEL] === 'true')) {
      for (const cluster of Object.keys(obj(s.obj.data))) known.add(cluster);
    }
    const r = meshNetworksResource(ctx.meshNetworks);
    if (!r) return;
    for (const [network, n] of networks) {
      arr(obj(n).endpoints).forEach((e, j) => {
        const ep = obj(e);
        // A fromCidr endpoint; or a fromRegistry that is no name at all (the schema's to report).
        if (ep.fromRegistry === undefined || (typeof ep.fromRegistry === 'object')) return;
        const registry = str(ep.fromRegistry);
        if (!known.has(registry)) ctx.report('IST0126', r, ['networks', network, 'endpoints', j, 'fromRegistry'], [registry, network]);
      });
    }
  },
};
