// The data Istio's injection templates run on (SidecarTemplateData), as Go structs over Kubernetes/proto JSON. Pure.
import { GoEnum, GoStruct, typedMap } from './template';
import { isMap, type FieldLookup } from './template/values';

type Json = Record<string, unknown>;

/** JSON keys whose values are Go map[string]string. */
const STRING_MAPS = new Set(['labels', 'annotations', 'nodeSelector', 'proxyMetadata', 'matchLabels']);
/** Go string fields that read as "" when absent. */
const STRING_FIELDS = new Set([
  'Name', 'Namespace', 'GenerateName', 'UID', 'ResourceVersion', 'Kind', 'APIVersion', 'Image', 'ImagePullPolicy',
  'ServiceAccountName', 'DeprecatedServiceAccount', 'NodeName', 'Hostname', 'Subdomain', 'SchedulerName', 'RestartPolicy',
  'DNSPolicy', 'PriorityClassName', 'Protocol', 'HostIP', 'WorkingDir', 'TerminationMessagePath', 'TerminationMessagePolicy',
  'TrustDomain', 'DiscoveryAddress', 'ServiceCluster', 'ConfigPath', 'BinaryPath', 'RootNamespace', 'MountPath', 'Value',
  'Path', 'ClusterName', 'Network',
]);
const INT_FIELDS = new Set(['ContainerPort', 'HostPort', 'ProxyListenPort', 'ProxyInboundListenPort', 'ProxyAdminPort', 'StatusPort', 'StatNameLength']);
const BOOL_FIELDS = new Set(['HostNetwork', 'HostPID', 'HostIPC', 'Stdin', 'StdinOnce', 'TTY']);
const INTERCEPTION_MODES = ['REDIRECT', 'TPROXY', 'NONE'];

function keyFor(json: Json, goName: string): string | undefined {
  const lower = goName.toLowerCase();
  if (Object.prototype.hasOwnProperty.call(json, goName[0].toLowerCase() + goName.slice(1))) return goName[0].toLowerCase() + goName.slice(1);
  return Object.keys(json).find((k) => k.toLowerCase() === lower);
}

function zeroFor(goName: string): unknown {
  if (STRING_FIELDS.has(goName)) return '';
  if (INT_FIELDS.has(goName)) return 0;
  if (BOOL_FIELDS.has(goName)) return false;
  if (goName === 'Labels' || goName === 'Annotations' || goName === 'ProxyMetadata' || goName === 'NodeSelector') return typedMap({}, '');
  if (/s$/.test(goName)) return [];
  return null;
}

/** Wraps a JSON value as the Go value a template sees: objects become structs, string maps typed maps. */
function wrap(key: string, v: unknown, typeName: string): unknown {
  if (Array.isArray(v)) return v.map((x) => wrap('', x, typeName));
  if (isMap(v)) {
    if (STRING_MAPS.has(key)) return typedMap({ ...v }, '');
    return goStruct(typeName, v);
  }
  return v;
}

/** A Go struct view of a JSON object: fields by Go name (case-insensitive JSON key), proto-style GetX getters. */
export function goStruct(typeName: string, json: Json, special: (goName: string) => FieldLookup | undefined = () => undefined): GoStruct {
  const field = (name: string): FieldLookup => {
    const s = special(name);
    if (s) return s;
    const k = keyFor(json, name);
    if (k === undefined) {
      const z = zeroFor(name);
      return z === null && !/^[A-Z]/.test(name) ? { found: false } : { found: true, value: z };
    }
    return { found: true, value: wrap(k, json[k], `*${typeName}.${name}`) };
  };
  const methods = new Proxy({} as Record<string, (...a: unknown[]) => unknown>, {
    get: (_t, p) => {
      if (typeof p !== 'string' || !/^Get[A-Z]/.test(p)) return undefined;
      return () => {
        const f = field(p.slice(3));
        if (!f.found || f.value === null) return new GoStruct(`*${p.slice(3)}`, () => ({ found: false }), methodsOfNil, null, true);
        return f.value;
      };
    },
  });
  return new GoStruct(typeName, field, methods, json);
}

const methodsOfNil = new Proxy({} as Record<string, (...a: unknown[]) => unknown>, {
  get: (_t, p) => (typeof p === 'string' && /^Get[A-Z]/.test(p) ? () => new GoStruct('*nil', () => ({ found: false }), methodsOfNil, null, true) : undefined),
});

/** *meshconfig.ProxyConfig with its enum and wrapper fields typed like the Go proto. */
export function proxyConfigStruct(pc: Json, protoJson: () => string): GoStruct {
  const s = goStruct('*v1alpha1.ProxyConfig', pc, (name) => {
    if (name === 'InterceptionMode') {
      const mode = typeof pc.interceptionMode === 'string' ? pc.interceptionMode : 'REDIRECT';
      return { found: true, value: new GoEnum('v1alpha1.ProxyConfig_InboundInterceptionMode', mode, Math.max(0, INTERCEPTION_MODES.indexOf(mode))) };
    }
    if (name === 'HoldApplicationUntilProxyStarts') {
      const v = pc.holdApplicationUntilProxyStarts;
      if (typeof v !== 'boolean') return { found: true, value: new GoStruct('*wrapperspb.BoolValue', () => ({ found: false }), { GetValue: () => false }, null, true) };
      return { found: true, value: new GoStruct('*wrapperspb.BoolValue', (n) => (n === 'Value' ? { found: true, value: v } : { found: false }), { GetValue: () => v }, v) };
    }
    return undefined;
  });
  const base = s.methods;
  const methods = new Proxy({} as Record<string, (...a: unknown[]) => unknown>, {
    get: (_t, p) => (p === '__protoJson' ? protoJson : (base as Record<string | symbol, unknown>)[p]),
  });
  return new GoStruct(s.typeName, (n) => s.field(n), methods, pc);
}

export interface TemplateDataInput {
  typeMeta: { kind: string; apiVersion: string };
  deployMeta: { name: string; namespace: string };
  podMeta: Json;
  podSpec: Json;
  proxyConfig: Json;
  proxyConfigJson: () => string;
  meshConfig: Json;
  values: Json;
  revision: string;
  proxyImage: string;
  proxyInitImage: string;
  proxyUID: number;
  proxyGID: number;
  inboundTrafficPolicyMode: string;
  nativeSidecars: boolean;
  compliancePolicy: string;
}

/** SidecarTemplateData as the templates see it. */
export function templateData(d: TemplateDataInput): GoStruct {
  const fields: Record<string, unknown> = {
    TypeMeta: goStruct('v1.TypeMeta', { kind: d.typeMeta.kind, apiVersion: d.typeMeta.apiVersion }),
    DeploymentMeta: goStruct('types.NamespacedName', { name: d.deployMeta.name, namespace: d.deployMeta.namespace }),
    ObjectMeta: goStruct('v1.ObjectMeta', d.podMeta),
    Spec: goStruct('v1.PodSpec', d.podSpec),
    ProxyConfig: proxyConfigStruct(d.proxyConfig, d.proxyConfigJson),
    MeshConfig: goStruct('*v1alpha1.MeshConfig', d.meshConfig, (n) => (n === 'DefaultConfig' ? { found: true, value: proxyConfigStruct(d.proxyConfig, d.proxyConfigJson) } : undefined)),
    Values: d.values,
    Revision: d.revision,
    ProxyImage: d.proxyImage,
    ProxyInitImage: d.proxyInitImage,
    ProxyUID: d.proxyUID,
    ProxyGID: d.proxyGID,
    InboundTrafficPolicyMode: d.inboundTrafficPolicyMode,
    NativeSidecars: d.nativeSidecars,
    CompliancePolicy: d.compliancePolicy,
  };
  return new GoStruct('*inject.SidecarTemplateData', (n) => (n in fields ? { found: true, value: fields[n] } : { found: false }), {}, {});
}
