// encoding/json of Kubernetes structs: fields in Go declaration order (for JSON that ends up in annotations). Pure.
import { isMap } from './template/values';

/** Field order of the core/v1 structs a Container holds (Container, Probe, HTTPGetAction, SecurityContext, ...). */
const ORDER = [
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy',
  'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath',
  'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
  // Probe / handlers
  'exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold',
  'failureThreshold', 'terminationGracePeriodSeconds', 'postStart', 'preStop', 'stopSignal',
  // HTTPGetAction, ContainerPort, EnvVar, VolumeMount
  'path', 'port', 'host', 'scheme', 'httpHeaders', 'hostPort', 'containerPort', 'protocol', 'hostIP', 'value', 'valueFrom',
  'readOnly', 'recursiveReadOnly', 'mountPath', 'subPath', 'mountPropagation', 'subPathExpr',
  // ResourceRequirements, SecurityContext
  'limits', 'requests', 'claims', 'capabilities', 'privileged', 'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup',
  'runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount', 'seccompProfile', 'appArmorProfile',
  'add', 'drop',
  // ParsedContainers
  'containers', 'initContainers',
];
const RANK = new Map(ORDER.map((k, i) => [k, i]));

export function ordered(v: unknown, depth = 0, mapKeys = false): unknown {
  if (depth > 100) return v;
  if (Array.isArray(v)) return v.map((x) => ordered(x, depth + 1, false));
  if (!isMap(v)) return v;
  const keys = Object.keys(v);
  // Go maps (limits, requests, ...) marshal sorted; structs in field order.
  keys.sort(mapKeys ? undefined : (a, b) => (RANK.get(a) ?? 1000) - (RANK.get(b) ?? 1000) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = ordered(v[k], depth + 1, k === 'limits' || k === 'requests' || k === 'labels' || k === 'annotations');
  return out;
}

/** json.Marshal of a Kubernetes struct value given as JSON. */
export function goStructJson(v: unknown): string {
  return JSON.stringify(ordered(v, 0, false));
}
