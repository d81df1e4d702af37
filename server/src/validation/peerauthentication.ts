// security.istio.io/PeerAuthentication: Istio's ValidatePeerAuthentication (pkg/config/validation/validation.go, with
// validateMetadata's dry-run check and validateWorkloadSelector), minus what the CRD enforces (port level mTLS needs a
// selector, at least one entry, ports 1..65535; selector keys non-empty and without wildcards). Pure; never throws.
import { asObj, checkDryRunAnnotation, checkWorkloadSelector, IssueSink } from './agent';
import type { KindValidator } from './types';

export const validatePeerAuthentication: KindValidator = ({ name, namespace, obj }) => {
  const sink = new IssueSink();
  if (!checkDryRunAnnotation(sink, name, namespace, asObj(obj.metadata)?.annotations)) return sink.issues;
  const spec = asObj(obj.spec);
  if (spec) checkWorkloadSelector(sink, ['spec', 'selector'], spec.selector);
  return sink.issues;
};
