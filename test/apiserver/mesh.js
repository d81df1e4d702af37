// The seeded mesh of the test API server: istio-system (istiod, ingress gateway), bookinfo in `default` (injected,
// every pod with a sidecar whose admin port serves a config dump consistent with the demo workspace's routing YAML),
// and the seed's Hyperledger app in `hyperledger` (no injection). productpage serves Istio's real sidecar dump
// (test/fixtures/configdump/describe/http_config.json); the other sidecars get dumps generated in the same shape.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const ISTIO = '1.22.3';
const INJECTION_DATA = path.resolve(__dirname, '../../server/data/injection');
const PRODUCTPAGE_DUMP = path.resolve(__dirname, '../fixtures/configdump/describe/http_config.json');
const BOOKINFO = ['productpage', 'details', 'ratings', 'reviews'];

function namespace(name, labels = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels }, uid: `ns-${name}` }, status: { phase: 'Active' } };
}

const hash = (s) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(36).slice(0, 5).padEnd(5, 'x');

/** A pod as a ReplicaSet creates it. sidecar: 'container' | 'native' | false. */
function pod(ns, app, version, { sidecar = 'container', appImage, ports = [9080], restarts = 0, labels = {} } = {}) {
  const rs = `${app}${version ? `-${version}` : ''}-${hash(`${ns}/${app}/${version}`)}7f9`;
  const name = `${rs}-${hash(`${rs}-pod`)}`;
  const proxy = {
    name: 'istio-proxy', image: `docker.io/istio/proxyv2:${ISTIO}`, args: ['proxy', 'sidecar'],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
  };
  const appContainer = { name: app, image: appImage || `docker.io/istio/examples-bookinfo-${app}-${version || 'v1'}:1.20.2`, ports: ports.map((p) => ({ containerPort: p, protocol: 'TCP' })) };
  const spec = { containers: [appContainer], serviceAccountName: `bookinfo-${app}`, nodeName: 'kind-worker' };
  const status = (c) => ({ name: c.name, image: c.image, ready: true, restartCount: c.name === 'istio-proxy' ? 0 : restarts, started: true, state: { running: { startedAt: '2026-11-20T10:00:00Z' } } });
  const st = { phase: 'Running', podIP: `10.244.1.${1 + (parseInt(hash(name), 36) % 250)}`, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [status(appContainer)] };
  const annotations = {};
  if (sidecar) {
    annotations['sidecar.istio.io/status'] = JSON.stringify({ initContainers: ['istio-init'], containers: ['istio-proxy'], volumes: ['istio-envoy'], revision: 'default' });
    spec.initContainers = [{ name: 'istio-init', image: proxy.image, args: ['istio-iptables'] }];
    if (sidecar === 'native') {
      spec.initContainers.push({ ...proxy, restartPolicy: 'Always' });
      st.initContainerStatuses = [{ ...status({ name: 'istio-init', image: proxy.image }), ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, status(proxy)];
    } else {
      spec.containers.push(proxy);
      st.containerStatuses.push(status(proxy));
    }
  }
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: ns, uid: `pod-${name}`, creationTimestamp: '2026-11-20T10:00:00Z', annotations,
      labels: { app, ...(version ? { version } : {}), 'pod-template-hash': '7f9', ...(sidecar ? { 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': app } : {}), ...labels },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `rs-${rs}`, controller: true }],
    },
    spec, status: st,
  };
}

function seedObjects() {
  const objects = [
    namespace('istio-system'),
    namespace('default', { 'istio-injection': 'enabled' }),
    namespace('hyperledger'),
  ];
  const istiod = pod('istio-system', 'istiod', '', { sidecar: false, appImage: `docker.io/istio/pilot:${ISTIO}`, ports: [15010, 15012, 15014, 15017], labels: { istio: 'pilot', 'istio.io/rev': 'default' } });
  istiod.spec.containers[0].name = 'discovery';
  istiod.status.containerStatuses[0].name = 'discovery';
  const gw = pod('istio-system', 'istio-ingressgateway', '', { sidecar: false, appImage: `docker.io/istio/proxyv2:${ISTIO}`, ports: [8080, 8443, 15021], labels: { istio: 'ingressgateway' } });
  gw.spec.containers[0].name = 'istio-proxy';
  gw.status.containerStatuses[0].name = 'istio-proxy';
  objects.push(istiod, gw);
  objects.push(pod('default', 'productpage', 'v1'), pod('default', 'details', 'v1'), pod('default', 'ratings', 'v1', { sidecar: 'native' }));
  for (const v of ['v1', 'v2', 'v3']) objects.push(pod('default', 'reviews', v, { restarts: v === 'v3' ? 2 : 0 }));
  for (const peer of ['vp0', 'membersrvc']) objects.push(pod('hyperledger', peer, '', { sidecar: false, appImage: 'hyperledger/fabric-peer:x86_64-0.6.1-preview', ports: [7051] }));
  const services = [...BOOKINFO.map((s) => service('default', s, 9080)), service('istio-system', 'istiod', 15014, [15010, 15012, 443])];
  return [...objects, ...services, ...injectionConfigMaps()];
}

/**
 * istiod's injector and mesh ConfigMaps: Istio's real rendered ones (server/data/injection, copied from
 * shared/istio-ref/injection/rendered), with the values' hub and tag of this mesh's Istio (docker.io/istio, ISTIO), so
 * the cluster's proxy image differs from the bundled defaults'. revision '' is the default revision.
 */
function injectionConfigMaps({ revision = '', hub = 'docker.io/istio', tag = ISTIO, namespace = 'istio-system', trustDomain } = {}) {
  const read = (f) => YAML.parse(fs.readFileSync(path.join(INJECTION_DATA, f), 'utf8'));
  const suffix = revision ? `-${revision}` : '';
  const injector = read('istio-sidecar-injector-configmap.yaml');
  const values = JSON.parse(injector.data.values);
  values.global.hub = hub;
  values.global.tag = tag;
  if (revision) values.revision = revision;
  injector.data.values = JSON.stringify(values, null, 2);
  const mesh = read('istio-mesh-configmap.yaml');
  if (trustDomain) mesh.data.mesh = mesh.data.mesh.replace(/^trustDomain: .*$/m, `trustDomain: ${trustDomain}`);
  for (const [cm, name] of [[injector, `istio-sidecar-injector${suffix}`], [mesh, `istio${suffix}`]]) {
    cm.metadata = { ...cm.metadata, name, namespace, uid: `cm-${namespace}-${name}`, labels: { ...cm.metadata.labels, 'istio.io/rev': revision || 'default' } };
  }
  return [injector, mesh];
}

function service(ns, name, port, more = []) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, uid: `svc-${ns}-${name}`, labels: { app: name } }, spec: { selector: { app: name }, ports: [port, ...more].map((p) => ({ port: p, name: `http-${p}` })) } };
}

/** The Envoy config dump a sidecar's admin port (15000) returns. */
function configDump(p) {
  const app = p.metadata.labels.app;
  if (app === 'productpage') return fs.readFileSync(PRODUCTPAGE_DUMP, 'utf8');
  const ns = p.metadata.namespace;
  const vhost = (svc) => ({
    name: `${svc}.${ns}.svc.cluster.local:9080`,
    domains: [`${svc}.${ns}.svc.cluster.local`, svc, `${svc}.${ns}.svc`, `${svc}.${ns}`, `${svc}.${ns}.svc.cluster.local:9080`, `${svc}:9080`],
    routes: [{
      match: { prefix: '/', case_sensitive: true },
      route: { cluster: `outbound|9080|v1|${svc}.${ns}.svc.cluster.local`, timeout: '0s', retry_policy: { retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: 2 } },
      metadata: { filter_metadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/${ns}/virtual-service/${svc}` } } },
      decorator: { operation: `${svc}.${ns}.svc.cluster.local:9080/*` },
      name: `${svc}.${ns}`,
    }],
  });
  const routes = {
    '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
    dynamic_route_configs: [{ version_info: '2026-11-20T10:00:00Z/12', route_config: { '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', name: '9080', virtual_hosts: [...BOOKINFO.map(vhost), { name: 'allow_any', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'PassthroughCluster' }, name: 'allow_any' }] }], validate_clusters: false } }],
    static_route_configs: [{ route_config: { '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', virtual_hosts: [{ name: 'backend', domains: ['*'], routes: [{ match: { prefix: '/stats/prometheus' }, route: { cluster: 'prometheus_stats' } }] }] } }],
  };
  const cluster = (name, type = 'EDS') => ({ cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name, type } });
  const clusters = {
    '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
    static_clusters: [cluster('prometheus_stats', 'STATIC'), cluster('agent', 'STATIC')],
    dynamic_active_clusters: [
      ...BOOKINFO.flatMap((s) => [cluster(`outbound|9080||${s}.${ns}.svc.cluster.local`), cluster(`outbound|9080|v1|${s}.${ns}.svc.cluster.local`)]),
      cluster(`inbound|9080||`, 'ORIGINAL_DST'), cluster('PassthroughCluster', 'ORIGINAL_DST'), cluster('BlackHoleCluster', 'STATIC'),
    ],
  };
  const listeners = {
    '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
    dynamic_listeners: [
      { name: 'virtualOutbound', active_state: { listener: { name: 'virtualOutbound', address: { socket_address: { address: '0.0.0.0', port_value: 15001 } }, filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { cluster: 'PassthroughCluster' } }] }] } } },
      { name: '0.0.0.0_9080', active_state: { listener: { name: '0.0.0.0_9080', address: { socket_address: { address: '0.0.0.0', port_value: 9080 } }, filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { rds: { route_config_name: '9080' } } }] }] } } },
    ],
  };
  const bootstrap = { '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump', bootstrap: { node: { id: `sidecar~${p.status.podIP}~${p.metadata.name}.${ns}~${ns}.svc.cluster.local`, metadata: { ISTIO_VERSION: ISTIO } } } };
  return JSON.stringify({ configs: [bootstrap, clusters, listeners, routes] }, null, 1);
}

/** istiod's /debug/syncz: per proxy, per xDS type. */
function syncz(pods) {
  return pods.filter((p) => p.metadata.annotations?.['sidecar.istio.io/status']).map((p) => ({
    proxy: `${p.metadata.name}.${p.metadata.namespace}`, istio_version: ISTIO, cluster_id: 'Kubernetes',
    cluster_sent: 'v1', cluster_acked: 'v1', listener_sent: 'v1', listener_acked: 'v1', route_sent: 'v1',
    route_acked: p.metadata.labels.app === 'reviews' && p.metadata.labels.version === 'v3' ? 'v0' : 'v1', endpoint_sent: 'v1', endpoint_acked: 'v1',
  }));
}

module.exports = { seedObjects, configDump, syncz, pod, namespace, injectionConfigMaps, ISTIO };
