// Workspace files shared by the closed-file tests (workspace diagnostics for pull clients, published diagnostics for push
// clients): a VirtualService with a mesh finding (a gateway that does not exist) and a schema finding (a misspelt field),
// the Service it routes to, a Helm template with an unknown field (never reported while closed) and a YAML file that is
// not Kubernetes (with a syntax error, never reported while closed).
export const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
  hosts:
  - reviews
  gateways:
  - no-such-gateway
  http:
  - route:
    - destination:
        host: reviews
      weigth: 10
`;
export const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
spec:
  selector:
    app: reviews
  ports:
  - name: http
    port: 9080
`;
export const HELM = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Values.name }}
spec:
  bogus: {{ toYaml .Values.ports | nindent 4 }}
`;
export const NOT_K8S = 'steps:\n  - run: echo hi\n   bad: indent\n';
