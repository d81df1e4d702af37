// Snippets for new Istio resources (LSP snippet syntax), offered at the top of an empty YAML document.
export interface Skeleton {
  label: string;
  apiVersion: string;
  kind: string;
  description: string;
  body: string;
}

const meta = (name: string) => `metadata:\n  name: \${1:${name}}\n  namespace: \${2:default}\n`;

export const ISTIO_SKELETONS: readonly Skeleton[] = [
  {
    label: 'Istio VirtualService', apiVersion: 'networking.istio.io/v1', kind: 'VirtualService',
    description: 'Routes traffic for a host to a destination service (and subset).',
    body: `apiVersion: networking.istio.io/v1\nkind: VirtualService\n${meta('reviews')}spec:\n  hosts:\n  - \${3:reviews}\n  http:\n  - route:\n    - destination:\n        host: \${4:reviews}\n        subset: \${5:v1}\n$0`,
  },
  {
    label: 'Istio DestinationRule', apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule',
    description: 'Traffic policy and subsets for a destination service.',
    body: `apiVersion: networking.istio.io/v1\nkind: DestinationRule\n${meta('reviews')}spec:\n  host: \${3:reviews}\n  subsets:\n  - name: \${4:v1}\n    labels:\n      version: \${5:v1}\n$0`,
  },
  {
    label: 'Istio Gateway', apiVersion: 'networking.istio.io/v1', kind: 'Gateway',
    description: 'A load balancer at the edge of the mesh (selects the ingress gateway pods).',
    body: `apiVersion: networking.istio.io/v1\nkind: Gateway\n${meta('bookinfo-gateway')}spec:\n  selector:\n    istio: \${3:ingressgateway}\n  servers:\n  - port:\n      number: \${4:80}\n      name: \${5:http}\n      protocol: \${6|HTTP,HTTPS,GRPC,HTTP2,MONGO,TCP,TLS|}\n    hosts:\n    - "\${7:*}"\n$0`,
  },
  {
    label: 'Istio ServiceEntry', apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry',
    description: 'Adds an external service to the mesh registry.',
    body: `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n${meta('external-api')}spec:\n  hosts:\n  - \${3:api.example.com}\n  location: \${4|MESH_EXTERNAL,MESH_INTERNAL|}\n  ports:\n  - number: \${5:443}\n    name: \${6:https}\n    protocol: \${7:TLS}\n  resolution: \${8|DNS,STATIC,NONE,DNS_ROUND_ROBIN|}\n$0`,
  },
  {
    label: 'Istio Sidecar', apiVersion: 'networking.istio.io/v1', kind: 'Sidecar',
    description: 'Limits the configuration pushed to the sidecars of a namespace or workload.',
    body: `apiVersion: networking.istio.io/v1\nkind: Sidecar\n${meta('default')}spec:\n  egress:\n  - hosts:\n    - "./*"\n    - "istio-system/*"\n$0`,
  },
  {
    label: 'Istio PeerAuthentication', apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication',
    description: 'Mutual TLS mode for workloads.',
    body: `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n${meta('default')}spec:\n  mtls:\n    mode: \${3|STRICT,PERMISSIVE,DISABLE|}\n$0`,
  },
  {
    label: 'Istio AuthorizationPolicy', apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy',
    description: 'Access control for workloads.',
    body: `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n${meta('allow-reviews')}spec:\n  selector:\n    matchLabels:\n      app: \${3:reviews}\n  action: \${4|ALLOW,DENY,AUDIT,CUSTOM|}\n  rules:\n  - from:\n    - source:\n        principals: ["\${5:cluster.local/ns/default/sa/productpage}"]\n$0`,
  },
  {
    label: 'Istio RequestAuthentication', apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication',
    description: 'JWT validation for requests to workloads.',
    body: `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\n${meta('jwt')}spec:\n  jwtRules:\n  - issuer: \${3:https://issuer.example.com}\n    jwksUri: \${4:https://issuer.example.com/.well-known/jwks.json}\n$0`,
  },
  {
    label: 'Istio Telemetry', apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry',
    description: 'Metrics, tracing and access logging for workloads.',
    body: `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\n${meta('default')}spec:\n  accessLogging:\n  - providers:\n    - name: \${3:envoy}\n$0`,
  },
];
