// networking.istio.io/DestinationRule: Istio's ValidateDestinationRule (pkg/config/validation/validation.go:
// validateTrafficPolicy, validateOutlierDetection, validateConnectionPool, validateLoadBalancer, validateSubset,
// validatePortTrafficPolicies, validateTunnelSettings, validateExportTo, validateWorkloadSelector; agent.ValidateTLS,
// agent.ValidateLocalityLbSetting), minus what the CRD enforces (host and subset name present, durations below 1ms,
// enums, warmup bounds, workloadSelector key/value wildcards and empty keys). Pure; never throws.
import {
  asArr, asObj, checkDurationPrecision, fqdnError, has, ipAddressError, IssueSink, nonEmptyList, num, type Obj,
  portError, str, validateExportTo, validateLabels, wildcardDomainError,
} from './agent';
import { subsetNameError, validateConnectionPool } from './networking-common';
import type { KindValidator, ValidationPath } from './types';

function validatePercent(sink: IssueSink, path: ValidationPath, v: unknown): void {
  if (typeof v === 'number' && (v < 0 || v > 100)) sink.error(path, `percentage ${v} is not in range 0..100`);
}

function validateOutlierDetection(sink: IssueSink, path: ValidationPath, outlier: Obj | undefined): void {
  if (!outlier) return;
  const at = (k: string): ValidationPath => [...path, k];
  checkDurationPrecision(sink, at('baseEjectionTime'), outlier.baseEjectionTime);
  if (num(outlier, 'consecutiveErrors') !== 0) {
    sink.warn(at('consecutiveErrors'), 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (outlier.splitExternalLocalOriginErrors !== true && num(outlier, 'consecutiveLocalOriginFailures') > 0) {
    sink.error(at('consecutiveLocalOriginFailures'), 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
  checkDurationPrecision(sink, at('interval'), outlier.interval);
  validatePercent(sink, at('maxEjectionPercent'), outlier.maxEjectionPercent);
  validatePercent(sink, at('minHealthPercent'), outlier.minHealthPercent);
}

/** Envoy's isPrime, as Istio copies it. */
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  const limit = Math.floor(Math.sqrt(x));
  for (let f = 3; f <= limit; f += 2) if (x % f === 0) return false;
  return true;
}

const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

/** agent validateLocalities: the first problem, or undefined. */
function localitiesError(localities: string[]): string | undefined {
  const map = new Map<string, Map<string, Set<string>>>();
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    if (stars > 0 && (stars > 1 || !locality.endsWith('*'))) return `locality ${locality} wildcard '*' number can not exceed 1 and must be in the end`;
    if (map.has('*')) return `locality ${locality} overlap with previous specified ones`;
    const items = splitN(locality, '/', 3);
    if (items.some((i) => i === '')) return `locality ${locality} must not contain empty region/zone/subzone info`;
    const [region, zone, subZone] = items;
    if (items.length === 1) {
      if (map.has(region)) return `locality ${locality} overlap with previous specified ones`;
      map.set(region, new Map([['*', new Set(['*'])]]));
    } else if (items.length === 2) {
      const zones = map.get(region);
      if (zones) {
        if (zones.has('*') || zones.has(zone)) return `locality ${locality} overlap with previous specified ones`;
        zones.set(zone, new Set(['*']));
      } else map.set(region, new Map([[zone, new Set(['*'])]]));
    } else {
      const zones = map.get(region);
      if (zones) {
        if (zones.has('*')) return `locality ${locality} overlap with previous specified ones`;
        const subs = zones.get(zone);
        if (subs) {
          if (subs.has('*') || subs.has(subZone)) return `locality ${locality} overlap with previous specified ones`;
          subs.add(subZone);
        } else zones.set(zone, new Set([subZone]));
      } else map.set(region, new Map([[zone, new Set([subZone])]]));
    }
  }
  return undefined;
}

/** strings.SplitN */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function validateLocalityLbSetting(sink: IssueSink, path: ValidationPath, lb: Obj | undefined, outlier: Obj | undefined): void {
  if (!lb) return;
  const distribute = asArr(lb.distribute) ?? [];
  const failover = asArr(lb.failover) ?? [];
  const failoverPriority = asArr(lb.failoverPriority) ?? [];
  if (distribute.length > 0 && failover.length > 0) {
    sink.error(path, "can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  if (failover.length > 0) {
    for (let i = 0; i < failoverPriority.length; i++) {
      const label = failoverPriority[i];
      if (typeof label === 'string' && TOPOLOGY_LABELS.has(label)) {
        sink.error([...path, 'failoverPriority', i], `can not simultaneously set 'failover' and topology label '${label}' in 'failover_priority'`);
        return;
      }
    }
  }
  const src: string[] = [];
  for (let i = 0; i < distribute.length; i++) {
    const d = asObj(distribute[i]) ?? {};
    src.push(str(d, 'from'));
    const to = asObj(d.to) ?? {};
    let total = 0;
    for (const [loc, weight] of Object.entries(to)) {
      const w = typeof weight === 'number' ? weight : 0;
      if (w <= 0 || w > 100) {
        sink.error([...path, 'distribute', i, 'to', loc], 'locality weight must be in range [1, 100]');
        return;
      }
      total += w;
    }
    if (total !== 100) {
      sink.error([...path, 'distribute', i, 'to'], `total locality weight ${total} != 100`);
      return;
    }
    const err = localitiesError(Object.keys(to));
    if (err) sink.error([...path, 'distribute', i, 'to'], err);
  }
  const err = localitiesError(src);
  if (err) sink.error([...path, 'distribute'], err);
  if ((failover.length > 0 || failoverPriority.length > 0) && !outlier) {
    sink.warn(path, 'outlier detection policy must be provided for failover');
  }
  failover.forEach((f, i) => {
    const fo = asObj(f) ?? {};
    const from = str(fo, 'from');
    const to = str(fo, 'to');
    const at: ValidationPath = [...path, 'failover', i];
    if (from === to) sink.error(at, 'locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) sink.error(at, 'locality lb failover only specify region');
    if (to.includes('*') || from.includes('*')) sink.error(at, "locality lb failover region should not contain '*' wildcard");
  });
}

function validateLoadBalancer(sink: IssueSink, path: ValidationPath, lb: Obj | undefined, outlier: Obj | undefined): void {
  if (!lb) return;
  const ch = asObj(lb.consistentHash);
  if (ch) {
    const at = (k: string): ValidationPath => [...path, 'consistentHash', k];
    const cookie = asObj(ch.httpCookie);
    if (cookie && cookie.name === '') sink.error([...path, 'consistentHash', 'httpCookie', 'name'], 'name required for HttpCookie');
    const minRing = num(ch, 'minimumRingSize');
    if (minRing !== 0) {
      sink.warn(at('minimumRingSize'), "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
      if (has(ch, 'ringHash') || has(ch, 'maglev')) sink.error(at('minimumRingSize'), 'only one of MinimumRingSize or Maglev/Ringhash can be specified');
    }
    const maglev = asObj(ch.maglev);
    if (maglev) {
      const size = num(maglev, 'tableSize');
      const p: ValidationPath = has(maglev, 'tableSize') ? [...at('maglev'), 'tableSize'] : at('maglev');
      if (size === 0) sink.error(p, 'tableSize must be set for maglev');
      if (size >= 5000011) sink.error(p, 'tableSize must be less than 5000011 for maglev');
      if (Number.isInteger(size) && size >= 0 && !isPrime(size)) sink.error(p, 'tableSize must be a prime number for maglev');
    }
  }
  validateLocalityLbSetting(sink, [...path, 'localityLbSetting'], asObj(lb.localityLbSetting), outlier);
  checkDurationPrecision(sink, [...path, 'warmupDurationSecs'], lb.warmupDurationSecs);
  const warm = asObj(lb.warmup);
  if (warm) {
    checkDurationPrecision(sink, [...path, 'warmup', 'duration'], warm.duration);
    if (typeof warm.aggression === 'number' && warm.aggression < 1) {
      sink.error([...path, 'warmup', 'aggression'], 'aggression should be greater than or equal to 1');
    }
  }
}

const CONFIGMAP = 'configmap://';

/** agent.ValidateTLS: a ClientTLSSettings (`namespace` '' when the file does not say). */
function validateClientTLS(sink: IssueSink, path: ValidationPath, namespace: string, tls: Obj | undefined): void {
  if (!tls) return;
  const at = (k: string): ValidationPath => [...path, k];
  const mode = typeof tls.mode === 'string' ? tls.mode : 'DISABLE';
  const credentialName = str(tls, 'credentialName');
  const caCertificates = str(tls, 'caCertificates');
  const sans = nonEmptyList(tls, 'subjectAltNames');
  if (credentialName.startsWith(CONFIGMAP)) {
    const parts = credentialName.slice(CONFIGMAP.length).split('/');
    let parseErr: string | undefined;
    if (parts.length <= 1) parseErr = `invalid resource name ${JSON.stringify(credentialName)}. Expected namespace and name`;
    else if (parts[0] === '') parseErr = `invalid resource name ${JSON.stringify(credentialName)}. Expected namespace`;
    else if (parts[1] === '') parseErr = `invalid resource name ${JSON.stringify(credentialName)}. Expected name`;
    if (parseErr) sink.error(at('credentialName'), `invalid configmap:// credentialName: ${parseErr}`);
    else if (namespace && parts[0] !== namespace) {
      sink.error(at('credentialName'), `invalid configmap:// credentialName: namespace must match the configuration namespace ${JSON.stringify(namespace)}`);
    }
  }
  if (tls.insecureSkipVerify === true) {
    if (mode === 'SIMPLE' && (caCertificates || credentialName || sans)) {
      sink.error(at('insecureSkipVerify'), 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    }
    if (mode === 'MUTUAL' && (caCertificates || sans)) {
      sink.error(at('insecureSkipVerify'), 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && credentialName) {
    if (str(tls, 'clientCertificate') || caCertificates || str(tls, 'privateKey') || str(tls, 'caCrl')) {
      sink.error(at('credentialName'), 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return; // credentials are fetched remotely
  }
  if (mode === 'MUTUAL') {
    if (!str(tls, 'clientCertificate')) sink.error(path, 'client certificate required for mutual tls');
    if (!str(tls, 'privateKey')) sink.error(path, 'private key required for mutual tls');
  }
}

function validateTunnel(sink: IssueSink, path: ValidationPath, tunnel: Obj | undefined): void {
  if (!tunnel) return;
  const protocol = str(tunnel, 'protocol');
  if (protocol !== '' && protocol !== 'CONNECT' && protocol !== 'POST') sink.error([...path, 'protocol'], 'tunnel protocol must be "CONNECT" or "POST"');
  if (typeof tunnel.targetHost === 'string') {
    const fqdnErr = fqdnError(tunnel.targetHost);
    const ipErr = ipAddressError(tunnel.targetHost);
    if (fqdnErr && ipErr) sink.error([...path, 'targetHost'], `tunnel target host must be valid FQDN or IP address: ${fqdnErr}; ${ipErr}`);
  }
  if (typeof tunnel.targetPort === 'number') {
    const err = portError(tunnel.targetPort);
    if (err) sink.error([...path, 'targetPort'], `tunnel target port is invalid: ${err}`);
  }
}

const POLICY_FIELDS = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'tunnel', 'proxyProtocol', 'retryBudget'];

function validateTrafficPolicy(sink: IssueSink, path: ValidationPath, namespace: string, policy: Obj | undefined): void {
  if (!policy) return;
  // retryBudget (newer than the Go this follows) counts as a field, so a policy with only that is not reported
  if (!POLICY_FIELDS.some((k) => has(policy, k)) && !nonEmptyList(policy, 'portLevelSettings')) {
    sink.error(path, 'traffic policy must have at least one field');
    return;
  }
  if (has(policy, 'tunnel') && has(policy, 'proxyProtocol')) {
    sink.error(path, 'tunnel and proxyProtocol must not be set together');
    return;
  }
  const outlier = asObj(policy.outlierDetection);
  validateOutlierDetection(sink, [...path, 'outlierDetection'], outlier);
  validateConnectionPool(sink, [...path, 'connectionPool'], policy.connectionPool);
  validateLoadBalancer(sink, [...path, 'loadBalancer'], asObj(policy.loadBalancer), outlier);
  validateClientTLS(sink, [...path, 'tls'], namespace, asObj(policy.tls));
  (asArr(policy.portLevelSettings) ?? []).forEach((p, i) => {
    const pl = asObj(p);
    if (!pl) return; // a null entry is the schema's to report
    const at: ValidationPath = [...path, 'portLevelSettings', i];
    if (!has(pl, 'port')) sink.error(at, 'portTrafficPolicy must have valid port');
    if (!has(pl, 'outlierDetection') && !has(pl, 'connectionPool') && !has(pl, 'loadBalancer') && !has(pl, 'tls')) {
      sink.error(at, 'port traffic policy must have at least one field');
      return;
    }
    const plOutlier = asObj(pl.outlierDetection);
    validateOutlierDetection(sink, [...at, 'outlierDetection'], plOutlier);
    validateConnectionPool(sink, [...at, 'connectionPool'], pl.connectionPool);
    validateLoadBalancer(sink, [...at, 'loadBalancer'], asObj(pl.loadBalancer), plOutlier);
    validateClientTLS(sink, [...at, 'tls'], namespace, asObj(pl.tls));
  });
  validateTunnel(sink, [...path, 'tunnel'], asObj(policy.tunnel));
}

export const validateDestinationRule: KindValidator = ({ namespace, obj }) => {
  const sink = new IssueSink();
  const spec = asObj(obj.spec) ?? {};
  if (typeof spec.host === 'string') {
    const err = wildcardDomainError(spec.host);
    if (err) sink.error(['spec', 'host'], err);
  }
  validateTrafficPolicy(sink, ['spec', 'trafficPolicy'], namespace, asObj(spec.trafficPolicy));
  const names = new Set<string>();
  (asArr(spec.subsets) ?? []).forEach((s, i) => {
    const subset = asObj(s);
    if (!subset) return;
    const at: ValidationPath = ['spec', 'subsets', i];
    if (typeof subset.name === 'string') {
      if (names.has(subset.name)) sink.error([...at, 'name'], `duplicate subset names: ${subset.name}`);
      names.add(subset.name);
      const err = subsetNameError(subset.name);
      if (err) sink.error([...at, 'name'], err);
    }
    validateLabels(sink, [...at, 'labels'], subset.labels);
    validateTrafficPolicy(sink, [...at, 'trafficPolicy'], namespace, asObj(subset.trafficPolicy));
  });
  const selector = asObj(spec.workloadSelector);
  validateExportTo(sink, ['spec', 'exportTo'], namespace, spec.exportTo, selector !== undefined);
  if (selector && Object.keys(asObj(selector.matchLabels) ?? {}).length === 0) {
    sink.warn(['spec', 'workloadSelector'], 'workload selector specified without labels');
  }
  return sink.issues;
};
