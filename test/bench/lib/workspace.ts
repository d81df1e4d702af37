// Benchmark helper: a generated workspace of Kubernetes and Istio resources (deterministic). Every resource is valid
// except one in every BROKEN_EVERY, which carries a schema error both servers must report (unknown field, wrong type or
// bad enum value), so the run also proves the schemas are active on both sides.

export const BROKEN_EVERY = 97;

export interface BenchFile {
  name: string;
  text: string;
  resources: number;
  broken: number;
  /** 0-based lines holding a deliberate schema error (one per broken resource). */
  brokenLines: number[];
}

/** The offending line of each broken template. */
const BROKEN_LINE = /^\s*(replicas: "three"|port: eighty|timout:|maxConnections: lots|number: "eighty"|resolution: DNSS|whens:|mode: STRICTLY|maxReplicas: ten|datta:|automountServiceAccountToken: "yes")/;

type Template = (i: number, broken: boolean) => string;

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

const service: Template = (i, broken) => `apiVersion: v1
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
    - name: http
      port: ${broken ? 'eighty' : 80}
      targetPort: 8080
      protocol: TCP
`;

const virtualService: Template = (i, broken) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: svc-${i}
  namespace: ${ns(i)}
spec:
  hosts:
    - svc-${i}.${ns(i)}.svc.cluster.local
  gateways:
    - mesh
  http:
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
            subset: v2
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
`;

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

const gateway: Template = (i, broken) => `apiVersion: networking.istio.io/v1
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
`;

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

/** `total` resources: one big file of about `bigLines` lines first, then files of `perFile` resources. */
export function generateWorkspace(total = 2000, bigLines = 5000, perFile = 10): { files: BenchFile[]; big: BenchFile } {
  const files: BenchFile[] = [];
  let i = 0;
  const next = () => {
    const broken = i % BROKEN_EVERY === BROKEN_EVERY - 1;
    // One application per round of templates: its Deployment, Service, VirtualService, DestinationRule... refer to each
    // other, so the mesh analysis has nothing to say about the valid ones either.
    const text = TEMPLATES[i % TEMPLATES.length](Math.floor(i / TEMPLATES.length), broken);
    i++;
    return { text, broken };
  };
  const build = (name: string, until: (lines: number, count: number) => boolean): BenchFile => {
    const parts: string[] = [];
    let lines = 0;
    let broken = 0;
    while (i < total && !until(lines, parts.length)) {
      const r = next();
      parts.push(r.text);
      lines += r.text.split('\n').length; // the text's lines plus the "---" separator
      if (r.broken) broken++;
    }
    const text = parts.join('---\n');
    const brokenLines = text.split('\n').flatMap((l, n) => (BROKEN_LINE.test(l) ? [n] : []));
    if (brokenLines.length !== broken) throw new Error(`${name}: ${brokenLines.length} broken lines for ${broken} broken resources`);
    return { name, text, resources: parts.length, broken, brokenLines };
  };
  const big = build('big.yaml', (lines) => lines >= bigLines);
  files.push(big);
  for (let n = 0; i < total; n++) files.push(build(`app-${String(n).padStart(3, '0')}.yaml`, (_l, count) => count >= perFile));
  return { files, big };
}
