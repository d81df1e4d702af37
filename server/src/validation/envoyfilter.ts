// networking.istio.io/EnvoyFilter: Istio's ValidateEnvoyFilter (pkg/config/validation/envoyfilter/envoyfilter.go:
// ValidateAlphaWorkloadSelector, the config patch / applyTo / match consistency, the proxy version regex and
// validateListenerMatchName with xds.ReverseDeprecatedFilterNames), minus what the CRD enforces (enums, one object type
// per match, waypoint match only with the WAYPOINT context, targetRefs, label value wildcards).
// Not ported: the warning the webhook gives every EnvoyFilter ("EnvoyFilter exposes internal implementation details...",
// it says nothing about the object), and the checks that build the patch value into Envoy's protos
// (xds.BuildXDSObjectFromStruct: unknown types or fields, deprecated type URLs, filters without typed_config).
// Pure; never throws.
import { RE2JS } from 're2js';
import { asArr, asObj, IssueSink, has, type Obj, str } from './agent';
import { validateAlphaWorkloadSelector } from './serviceentry';
import type { KindValidator, ValidationPath } from './types';

const HCM = 'envoy.filters.network.http_connection_manager';

// xds.DeprecatedFilterNames reversed: deprecated name -> canonical name. "envoy.ext_authz" is the deprecated name of
// both ext_authz filters (Go's reversed map keeps either): the network one is named for a filter match, the HTTP one for
// a sub filter match.
const DEPRECATED_FILTER_NAMES = new Map<string, string>([
  ['envoy.buffer', 'envoy.filters.http.buffer'], ['envoy.cors', 'envoy.filters.http.cors'], ['envoy.csrf', 'envoy.filters.http.csrf'],
  ['envoy.http_dynamo_filter', 'envoy.filters.http.dynamo'], ['envoy.fault', 'envoy.filters.http.fault'],
  ['envoy.grpc_http1_bridge', 'envoy.filters.http.grpc_http1_bridge'], ['envoy.grpc_json_transcoder', 'envoy.filters.http.grpc_json_transcoder'],
  ['envoy.grpc_web', 'envoy.filters.http.grpc_web'], ['envoy.gzip', 'envoy.filters.http.gzip'], ['envoy.health_check', 'envoy.filters.http.health_check'],
  ['envoy.ip_tagging', 'envoy.filters.http.ip_tagging'], ['envoy.lua', 'envoy.filters.http.lua'], ['envoy.rate_limit', 'envoy.filters.http.ratelimit'],
  ['envoy.router', 'envoy.filters.http.router'], ['envoy.squash', 'envoy.filters.http.squash'],
  ['envoy.listener.http_inspector', 'envoy.filters.listener.http_inspector'], ['envoy.listener.original_dst', 'envoy.filters.listener.original_dst'],
  ['envoy.listener.original_src', 'envoy.filters.listener.original_src'], ['envoy.listener.proxy_protocol', 'envoy.filters.listener.proxy_protocol'],
  ['envoy.listener.tls_inspector', 'envoy.filters.listener.tls_inspector'], ['envoy.client_ssl_auth', 'envoy.filters.network.client_ssl_auth'],
  ['envoy.http_connection_manager', HCM], ['envoy.mongo_proxy', 'envoy.filters.network.mongo_proxy'],
  ['envoy.ratelimit', 'envoy.filters.network.ratelimit'], ['envoy.redis_proxy', 'envoy.filters.network.redis_proxy'],
  ['envoy.tcp_proxy', 'envoy.filters.network.tcp_proxy'],
]);

/** validateListenerMatchName */
function deprecatedNameWarning(name: string, subFilter: boolean): string | undefined {
  const canonical = name === 'envoy.ext_authz'
    ? (subFilter ? 'envoy.filters.http.ext_authz' : 'envoy.filters.network.ext_authz')
    : DEPRECATED_FILTER_NAMES.get(name);
  return canonical === undefined ? undefined : `using deprecated filter name ${JSON.stringify(name)}; use ${JSON.stringify(canonical)} instead`;
}

const LISTENER_CLASS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);
const ROUTE_CLASS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);
const OBJECT_TYPES = ['listener', 'routeConfiguration', 'cluster', 'waypoint'];

function validateListenerMatch(sink: IssueSink, at: ValidationPath, applyTo: string, listener: Obj): void {
  const filter = asObj(asObj(listener.filterChain)?.filter);
  if (!filter) return;
  const fpath: ValidationPath = [...at, 'match', 'listener', 'filterChain', 'filter'];
  if (applyTo === 'LISTENER' || applyTo === 'FILTER_CHAIN') {
    // an error, kept a warning for backwards compatibility
    sink.warn(fpath, `Envoy filter: filter match has no effect when used with ${applyTo}`);
  }
  const name = str(filter, 'name');
  if (name === '') {
    sink.error(fpath, 'Envoy filter: filter match has no name to match on');
    return;
  }
  const sub = asObj(filter.subFilter);
  if (sub) {
    const spath: ValidationPath = [...fpath, 'subFilter'];
    if (applyTo !== 'HTTP_FILTER') {
      sink.error(spath, 'Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only');
      return;
    }
    if (name !== HCM && name !== 'envoy.http_connection_manager') {
      sink.error([...fpath, 'name'], `Envoy filter: subfilter match requires filter match with ${HCM}`);
      return;
    }
    if (str(sub, 'name') === '') {
      sink.error(spath, 'Envoy filter: subfilter match has no name to match on');
      return;
    }
  }
  sink.warn([...fpath, 'name'], deprecatedNameWarning(name, false));
  if (sub) sink.warn([...fpath, 'subFilter', 'name'], deprecatedNameWarning(str(sub, 'name'), true));
}

export const validateEnvoyFilter: KindValidator = ({ obj }) => {
  const sink = new IssueSink();
  const spec = asObj(obj.spec) ?? {};
  if (validateAlphaWorkloadSelector(sink, spec.workloadSelector, 'Envoy filter')) return sink.issues;

  (asArr(spec.configPatches) ?? []).forEach((item, i) => {
    const cp = asObj(item);
    if (!cp) return; // a null patch: the schema's
    const at: ValidationPath = ['spec', 'configPatches', i];
    const applyTo = typeof cp.applyTo === 'string' ? cp.applyTo : 'INVALID';
    if (applyTo === 'INVALID') {
      sink.error(has(cp, 'applyTo') ? [...at, 'applyTo'] : at, 'Envoy filter: missing applyTo');
      return;
    }
    const patch = asObj(cp.patch);
    if (!patch) {
      sink.error(at, 'Envoy filter: missing patch');
      return;
    }
    const operation = typeof patch.operation === 'string' ? patch.operation : 'INVALID';
    if (operation === 'INVALID') {
      sink.error(has(patch, 'operation') ? [...at, 'patch', 'operation'] : [...at, 'patch'], 'Envoy filter: missing patch operation');
      return;
    }
    if (operation !== 'REMOVE' && !has(patch, 'value')) {
      sink.error([...at, 'patch'], 'Envoy filter: missing patch value for non-remove operation');
      return;
    }
    const match = asObj(cp.match);
    const proxyVersion = str(asObj(match?.proxy), 'proxyVersion');
    if (proxyVersion !== '') {
      try {
        RE2JS.compile(proxyVersion);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        sink.error([...at, 'match', 'proxy', 'proxyVersion'], `Envoy filter: invalid regex for proxy version, [${msg}]`);
        return;
      }
    }
    if (!match) return;
    const objectType = OBJECT_TYPES.find((k) => has(match, k));
    if (objectType === undefined) return;
    // a waypoint match is newer than the ported checks: it is left alone rather than guessed
    if (objectType === 'waypoint') return;
    if (LISTENER_CLASS.has(applyTo)) {
      if (objectType !== 'listener') {
        sink.error([...at, 'match', objectType], 'Envoy filter: applyTo for listener class objects cannot have non listener match');
        return;
      }
      const listener = asObj(match.listener);
      if (listener) validateListenerMatch(sink, at, applyTo, listener);
    } else if (ROUTE_CLASS.has(applyTo)) {
      if (objectType !== 'routeConfiguration') {
        sink.error([...at, 'match', objectType], 'Envoy filter: applyTo for http route class objects cannot have non route configuration match');
      }
    } else if (applyTo === 'CLUSTER' && objectType !== 'cluster') {
      sink.error([...at, 'match', objectType], 'Envoy filter: applyTo for cluster class objects cannot have non cluster match');
    }
  });
  return sink.issues;
};
