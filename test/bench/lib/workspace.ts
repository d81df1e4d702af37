// Benchmark helper: a generated workspace of Kubernetes and Istio resources (deterministic). Every resource is valid
// except one in every BROKEN_EVERY, which carries a schema error both servers must report (unknown field, wrong type or
// bad enum value), so the run also proves the schemas are active on both sides.
// With `mesh`, each application's VirtualService is also bound to its Gateway (another file, as the resources of one
// application are spread over files), and some applications carry a deliberate cross-resource mistake the mesh analysis
// must report (MeshMistake: a subset, gateway or host that does not exist, a port name off Istio's convention, two
// Gateways claiming one host).

export const BROKEN_EVERY = 97;

export interface BenchFile {
  name: string;
  text: string;
  resources: number;
  broken: number;
  /** 0-based lines holding a deliberate schema error (one per broken resource). */
  brokenLines: number[];
  /** What the mesh analysis must report (mesh workspaces only): deliberate mistakes and their consequences, by line. */
  meshMistakes: MeshMistake[];
}

export interface MeshMistake {
  /** 0-based line of the field the finding belongs on. */
  line: number;
  /** The Istio code the mesh analysis reports there. */
  code: string;
  what: string;
}

export interface WorkspaceOptions {
  /** Gateways bound by the VirtualServices, and deliberate cross-resource mistakes (see meshExpectations). */
  mesh?: boolean;
}

/** Which applications (by index) carry which deliberate mesh mistake (one in every MISTAKE_EVERY, by application index). */
const MISTAKE_EVERY = 20;
const MISSING_SUBSET = 3;
const MISSING_GATEWAY = 8;
const MISSING_HOST = 13;
const PORT_NAME = 17;
const GATEWAY_CONFLICT = 19;

function mistakeOf(app: number): number {
  return app % MISTAKE_EVERY;
}

/** Resource index -> whether it carries a deliberate schema error. */
const isBroken = (index: number) => index % BROKEN_EVERY === BROKEN_EVERY - 1;

/**
 * What the mesh analysis reports on one resource of a mesh workspace, by construction: the planted mistakes, the other
 * Gateway of a conflicting pair, and the consequences of deliberate schema errors (a Service port that is not a number
 * leaves the VirtualService's destination port without a target, IST0101; a Gateway port that is not a number is port 0,
 * which the ingress gateway Service lacks, IST0162).
 */
function meshExpectations(template: number, app: number, broken: boolean): { marker: RegExp; code: string; what: string }[] {
  if (broken) return template === GATEWAY_TEMPLATE ? [{ marker: /^ {8}number: "eighty"$/, code: 'IST0162', what: 'Gateway port 0 (a schema error) not served by the ingress gateway' }] : [];
  const m = mistakeOf(app);
  const out: { marker: RegExp; code: string; what: string }[] = [];
  const gatewayOf = (a: number) => a * TEMPLATES.length + GATEWAY_TEMPLATE;
  if (template === VS_TEMPLATE) {
    if (m === MISSING_SUBSET) out.push({ marker: /^ {12}subset: v3$/, code: 'IST0101', what: 'VirtualService routes to a subset its DestinationRule lacks' });
    if (m === MISSING_GATEWAY) {
      out.push({ marker: new RegExp(`^ {4}- gw-${app}-old$`), code: 'IST0101', what: 'VirtualService bound to a Gateway that does not exist' });
      out.push({ marker: new RegExp(`^ {4}- gw-${app}-old$`), code: 'IST0132', what: 'VirtualService hosts not served by that (missing) Gateway' });
    }
    if (m === MISSING_HOST) out.push({ marker: new RegExp(`^ {8}host: svc-${app}-gone\\.`), code: 'IST0101', what: 'VirtualService mirrors to a host no Service defines' });
    if (isBroken(app * TEMPLATES.length + SERVICE_TEMPLATE)) out.push({ marker: /^ {14}number: 80$/, code: 'IST0101', what: 'VirtualService destination port of a Service whose port is a schema error' });
  }
  if (template === SERVICE_TEMPLATE && m === PORT_NAME) out.push({ marker: /^ {4}- name: web$/, code: 'IST0118', what: 'Service port name without a protocol prefix' });
  if (template === GATEWAY_TEMPLATE) {
    // The finding sits on the server's hosts (their first line), on both Gateways of the pair.
    const hostLine = new RegExp(`^ {8}- app-${app}\\.example\\.com$`);
    if (m === GATEWAY_CONFLICT && !isBroken(gatewayOf(app - 1))) out.push({ marker: hostLine, code: 'IST0145', what: 'Gateway claims the host of another Gateway on the same workload and port' });
    if (mistakeOf(app + 1) === GATEWAY_CONFLICT && !isBroken(gatewayOf(app + 1))) out.push({ marker: hostLine, code: 'IST0145', what: 'Gateway whose host another Gateway claims' });
  }
  return out;
}

/** The offending line of each broken template. */
const BROKEN_LINE = /^\s*(replicas: "three"|port: eighty|timout:|maxConnections: lots|number: "eighty"|resolution: DNSS|whens:|mode: STRICTLY|maxReplicas: ten|datta:|automountServiceAccountToken: "yes")/;

type Template = (i: number, broken: boolean, mesh?: boolean) => string;

const ns = (i: number) => `team-${i % 17}`;

const deployment: Template = (i, broken) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
  labels:
    app: svc-${i}
    version: v${i % 3}
spec:
  replicas: ${broken ? '"three"' : (i % 5) + 1}
  selector:
    matchLabels:
      app: svc-${i}
  template:
    metadata:
      labels:
        app: svc-${i}
        version: v${i % 3}
        sidecar.istio.io/inject: "true"
      annotations:
        sidecar.istio.io/proxyCPU: 100m
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: svc-${i}
      containers:
        - name: app
          image: registry.example.com/svc-${i}:1.${i % 10}.0
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
              name: http
              protocol: TCP
          env:
            - name: LOG_LEVEL
              value: info
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: "1"
              memory: 512Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 5
            periodSeconds: 10
`;

const service: Template = (i, broken, mesh) => `apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
  labels:
    app: svc-${i}
spec:
  type: ClusterIP
  selector:
    app: svc-${i}
  ports:
    - name: ${mesh && !broken && mistakeOf(i) === PORT_NAME ? 'web' : 'http'}
      port: ${broken ? 'eighty' : 80}
      targetPort: 8080
      protocol: TCP
`;

const virtualService: Template = (i, broken, mesh) => {
  const m = mesh && !broken ? mistakeOf(i) : undefined;
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
spec:
  hosts:
    - svc-${i}.${ns(i)}.svc.cluster.local
${mesh ? `    - app-${i}.example.com\n` : ''}  gateways:
    - mesh
${mesh ? `    - ${m === MISSING_GATEWAY ? `gw-${i}-old` : `gw-${i}`}\n` : ''}  http:
    - name: canary
      match:
        - headers:
            x-canary:
              exact: "true"
          uri:
            prefix: /api
      route:
        - destination:
            host: svc-${i}.${ns(i)}.svc.cluster.local
            subset: ${m === MISSING_SUBSET ? 'v3' : 'v2'}
            port:
              number: 80
      ${broken ? 'timout' : 'timeout'}: 5s
      retries:
        attempts: 3
        perTryTimeout: 2s
        retryOn: 5xx,reset,connect-failure
    - name: default
      route:
        - destination:
            host: svc-${i}.${ns(i)}.svc.cluster.local
            subset: v1
          weight: 90
        - destination:
            host: svc-${i}.${ns(i)}.svc.cluster.local
            subset: v2
          weight: 10
${m === MISSING_HOST ? `      mirror:\n        host: svc-${i}-gone.${ns(i)}.svc.cluster.local\n` : ''}`;
};

const destinationRule: Template = (i, broken) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
spec:
  host: svc-${i}.${ns(i)}.svc.cluster.local
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: ${broken ? 'lots' : 100}
      http:
        http1MaxPendingRequests: 1024
        maxRequestsPerConnection: 10
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 30s
      baseEjectionTime: 30s
    tls:
      mode: ISTIO_MUTUAL
  subsets:
    - name: v1
      labels:
        version: v1
    - name: v2
      labels:
        version: v2
`;

const gateway: Template = (i, broken, mesh) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw-${i}
  namespace: ${ns(i)}
spec:
  selector:
    istio: ingressgateway
  servers:
    - port:
        number: ${broken ? '"eighty"' : 80}
        name: http
        protocol: HTTP
      hosts:
        - app-${i}.example.com
${mesh && !broken && mistakeOf(i) === GATEWAY_CONFLICT && !isBroken((i - 1) * TEMPLATES.length + GATEWAY_TEMPLATE) ? `        - app-${i - 1}.example.com\n` : ''}`;

const serviceEntry: Template = (i, broken) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext-${i}
  namespace: ${ns(i)}
spec:
  hosts:
    - api-${i}.partner.example.com
  location: MESH_EXTERNAL
  ports:
    - number: 443
      name: https
      protocol: TLS
  resolution: ${broken ? 'DNSS' : 'DNS'}
`;

const authorizationPolicy: Template = (i, broken) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
spec:
  selector:
    matchLabels:
      app: svc-${i}
  action: ALLOW
  rules:
    - from:
        - source:
            principals:
              - cluster.local/ns/${ns(i)}/sa/client-${i}
      to:
        - operation:
            methods:
              - GET
              - POST
            paths:
              - /api/*
      ${broken ? 'whens' : 'when'}:
        - key: request.headers[x-tenant]
          values:
            - tenant-${i}
`;

const peerAuthentication: Template = (i, broken) => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
spec:
  selector:
    matchLabels:
      app: svc-${i}
  mtls:
    mode: ${broken ? 'STRICTLY' : 'STRICT'}
`;

const hpa: Template = (i, broken) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: svc-${i}
  minReplicas: 1
  maxReplicas: ${broken ? 'ten' : 10}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
`;

const configMap: Template = (i, broken) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: svc-${i}-config
  namespace: ${ns(i)}
${broken ? 'datta' : 'data'}:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
  config.yaml: |
    server:
      port: 8080
      timeout: 5s
`;

const serviceAccount: Template = (i, broken) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
automountServiceAccountToken: ${broken ? '"yes"' : 'false'}
`;

const TEMPLATES: Template[] = [deployment, service, virtualService, destinationRule, serviceAccount, gateway, serviceEntry, authorizationPolicy, peerAuthentication, hpa, configMap];
const SERVICE_TEMPLATE = 1;
const VS_TEMPLATE = 2;
const GATEWAY_TEMPLATE = 5;

/** `total` resources: one big file of about `bigLines` lines first, then files of `perFile` resources. */
export function generateWorkspace(total = 2000, bigLines = 5000, perFile = 10, opts: WorkspaceOptions = {}): { files: BenchFile[]; big: BenchFile } {
  const files: BenchFile[] = [];
  let i = 0;
  const next = () => {
    const broken = isBroken(i);
    // One application per round of templates: its Deployment, Service, VirtualService, DestinationRule... refer to each
    // other, so the mesh analysis has nothing to say about the valid ones either.
    const app = Math.floor(i / TEMPLATES.length);
    const text = TEMPLATES[i % TEMPLATES.length](app, broken, opts.mesh);
    const expect = opts.mesh ? meshExpectations(i % TEMPLATES.length, app, broken) : [];
    i++;
    return { text, broken, expect };
  };
  const build = (name: string, until: (lines: number, count: number) => boolean): BenchFile => {
    const parts: string[] = [];
    let lines = 0;
    let broken = 0;
    const meshMistakes: MeshMistake[] = [];
    while (i < total && !until(lines, parts.length)) {
      const r = next();
      for (const e of r.expect) {
        const at = r.text.split('\n').findIndex((l) => e.marker.test(l));
        if (at < 0) throw new Error(`${name}: no line ${e.marker} for "${e.what}"`);
        meshMistakes.push({ line: lines + at, code: e.code, what: e.what });
      }
      parts.push(r.text);
      lines += r.text.split('\n').length; // the text's lines plus the "---" separator
      if (r.broken) broken++;
    }
    const text = parts.join('---\n');
    const brokenLines = text.split('\n').flatMap((l, n) => (BROKEN_LINE.test(l) ? [n] : []));
    if (brokenLines.length !== broken) throw new Error(`${name}: ${brokenLines.length} broken lines for ${broken} broken resources`);
    return { name, text, resources: parts.length, broken, brokenLines, meshMistakes };
  };
  const big = build('big.yaml', (lines) => lines >= bigLines);
  files.push(big);
  for (let n = 0; i < total; n++) files.push(build(`app-${String(n).padStart(3, '0')}.yaml`, (_l, count) => count >= perFile));
  return { files, big };
}
