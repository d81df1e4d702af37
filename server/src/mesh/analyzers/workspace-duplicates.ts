// workspace.DuplicateResourceAnalyzer (this product's own, not Istio's): one resource (kind/namespace/name) defined
// twice in one file: applying the file keeps only the later definition (Warning, linked to it). Definitions in
// different files are alternatives meant to be applied one at a time (Istio's samples have destination-rule-all.yaml
// and destination-rule-all-mtls.yaml): the analyzers treat them so, silently; go to definition lists them all.
import { relatedAt, type MeshAnalyzer } from '../context';
import { friendlyOf } from '../model';

export const DUPLICATE_RESOURCE = 'DuplicateResource';

export const duplicateResourceAnalyzer: MeshAnalyzer = {
  name: 'workspace.DuplicateResourceAnalyzer',
  analyze(ctx) {
    // Pods inferred from workloads follow their workload (reported itself); the assumed baseline is not the user's.
    const own = (r: { derived?: boolean; assumed?: boolean }) => !r.derived && !r.assumed;
    for (const { resource: r, by } of ctx.shadowed()) {
      if (!own(r)) continue;
      ctx.reportOwn(DUPLICATE_RESOURCE, 'Warning', r, ['metadata', 'name'],
        `${friendlyOf(r)} is defined again later in this file: applying the file keeps only the later definition, and the analysis ignores this one.`,
        [relatedAt(by, `The later definition of ${friendlyOf(by)}`)]);
    }
  },
};
