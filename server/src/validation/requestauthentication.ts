// security.istio.io/RequestAuthentication: Istio's ValidateRequestAuthentication and validateJwtRule
// (pkg/config/validation/validation.go: validateMetadata's dry-run check, validateWorkloadSelector,
// validatePolicyTargetReference, ValidateStrictHTTPHeaderName, agent.ValidateDuration), minus what the CRD enforces
// (one of selector/targetRef(s); non-empty audiences, fromHeaders/fromParams/fromCookies, claim and header; jwksUri
// scheme; the header pattern [-_A-Za-z0-9]; timeout below 1ms). Not ported: the jwks document parse (jwk.Parse).
// Pure; never throws.
import { asArr, asObj, checkDryRunAnnotation, checkDurationPrecision, checkPolicyTargetRefs, checkWorkloadSelector, IssueSink, str } from './agent';
import type { KindValidator, ValidationPath } from './types';

const STRICT_HEADER_NAME = /^[-A-Za-z0-9]+$/;
const CRD_HEADER_NAME = /^[-_A-Za-z0-9]+$/; // the CRD's pattern: what it refuses is the schema's to report

function validateJwtRule(sink: IssueSink, path: ValidationPath, rule: Record<string, unknown>): void {
  // protojson takes jwks_uri as well as jwksUri
  const jwksUri = str(rule, 'jwksUri') || str(rule, 'jwks_uri');
  if (str(rule, 'issuer') === '' && jwksUri === '') sink.error(path, 'issuer or jwksUri must be non-empty string');
  asArr(rule.outputClaimToHeaders)?.forEach((item, i) => {
    const c = asObj(item);
    const header = str(c, 'header');
    if (!c || header === '' || str(c, 'claim') === '') return; // null, missing or empty: the CRD's
    if (CRD_HEADER_NAME.test(header) && !STRICT_HEADER_NAME.test(header)) sink.error([...path, 'outputClaimToHeaders', i, 'header'], `header name ${header} is not a valid header name`);
  });
  checkDurationPrecision(sink, [...path, 'timeout'], rule.timeout);
}

export const validateRequestAuthentication: KindValidator = ({ name, namespace, obj }) => {
  const sink = new IssueSink();
  if (!checkDryRunAnnotation(sink, name, namespace, asObj(obj.metadata)?.annotations)) return sink.issues;
  const spec = asObj(obj.spec);
  if (!spec) return sink.issues;
  checkWorkloadSelector(sink, ['spec', 'selector'], spec.selector);
  checkPolicyTargetRefs(sink, spec);
  asArr(spec.jwtRules)?.forEach((r, i) => {
    const rule = asObj(r);
    if (rule) validateJwtRule(sink, ['spec', 'jwtRules', i], rule);
  });
  return sink.issues;
};
