// networking.istio.io/WorkloadEntry: Istio's ValidateWorkloadEntry (pkg/config/validation/validation.go
// validateWorkloadEntry with FQDN addresses allowed and no service ports; agent.ValidateFQDN; labels.Instance.Validate),
// minus what the CRD enforces: an address or a network, unix paths and "no ports with unix", port names and numbers.
// Pure; never throws.
import { asObj, IssueSink } from './agent';
import { validateWorkloadEntryFields } from './serviceentry';
import type { KindValidator } from './types';

export const validateWorkloadEntry: KindValidator = ({ obj }) => {
  const sink = new IssueSink();
  const spec = asObj(obj.spec);
  if (spec) validateWorkloadEntryFields(sink, ['spec'], spec, undefined, true);
  return sink.issues;
};
