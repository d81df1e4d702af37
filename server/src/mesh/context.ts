// What a mesh analyzer sees: the index, mesh config, and a report() that places findings on the exact field.
import { isCollection, isNode, type Node } from 'yaml';
import type { Cancellation, Finding, Fix, Range, RelatedLocation } from '../core/types';
import type { MeshIndex } from './index';
import { formatMessage, levelOf } from './messages';
import { friendlyOf, refOf, type MeshResource, type Obj } from './model';

export type YamlPath = readonly (string | number)[];

/** A finding of the mesh analysis, in the file of the resource it is about. */
export interface MeshFinding {
  uri: string;
  /** Istio's friendly resource name ("VirtualService default/reviews"). */
  friendly: string;
  analyzer: string;
  finding: Finding;
}

export interface MeshAnalyzer {
  /** Istio's analyzer name (Metadata().Name), e.g. "virtualservice.GatewayAnalyzer". */
  readonly name: string;
  /** Run only when asked for by name (istioctl leaves such analyzers out of its default set). */
  readonly optIn?: boolean;
  analyze(ctx: AnalysisContext): void;
}

export interface RelatedRef {
  resource: MeshResource;
  path?: YamlPath;
  message: string;
}

export class AnalysisContext {
  readonly findings: MeshFinding[] = [];
  current = '';

  constructor(
    readonly index: MeshIndex,
    /** Mesh config (defaults merged with the mesh config file). */
    readonly mesh: Obj,
    readonly meshNetworks: Obj,
    readonly token: Cancellation,
  ) {}

  forEach(gk: string): readonly MeshResource[] {
    return this.index.ofKind(gk);
  }

  get(gk: string, namespace: string, name: string): MeshResource | undefined {
    return this.index.get(gk, namespace, name);
  }

  /** Reports Istio message `code` on resource r, at the field `path` (relative to the resource) when it exists. */
  report(code: string, r: MeshResource, path: YamlPath | undefined, args: readonly unknown[], related: RelatedRef[] = [], fixes: Fix[] = []): void {
    const message = formatMessage(code, args);
    this.findings.push({
      uri: r.uri, friendly: friendlyOf(r), analyzer: this.current,
      finding: {
        range: locate(r, path ?? ['metadata', 'name']), severity: levelOf(code), code, message,
        source: 'istio-workbench', resource: refOf(r),
        ...(related.length ? { related: related.map(toRelated) } : {}),
        ...(fixes.length ? { fixes } : {}),
      },
    });
  }
}

function toRelated(r: RelatedRef): RelatedLocation {
  return { uri: r.resource.uri, range: locate(r.resource, r.path ?? ['metadata', 'name']), message: r.message };
}

/** Range of the node at path (the value of a key), falling back to the closest existing parent, then metadata.name. */
export function locate(r: MeshResource, path: YamlPath): Range {
  const full = [...r.base, ...path];
  for (let n = full.length; n >= 0; n--) {
    const node = nodeAt(r, full.slice(0, n));
    if (node?.range && (n === full.length || n > r.base.length + 1 || !isCollection(node))) {
      return r.file.rangeOf(node.range[0], node.range[1]);
    }
    if (n <= r.base.length + 1) break;
  }
  const name = nodeAt(r, [...r.base, 'metadata', 'name']) ?? nodeAt(r, [...r.base, 'kind']);
  const range = name?.range ?? [r.file.docs[r.docIndex]?.start ?? 0, r.file.docs[r.docIndex]?.start ?? 0];
  return r.file.rangeOf(range[0], range[1]);
}

function nodeAt(r: MeshResource, path: YamlPath): Node | undefined {
  try {
    const n = path.length ? r.doc.getIn(path, true) : r.doc.contents;
    return isNode(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function relatedAt(resource: MeshResource, message: string, path?: YamlPath): RelatedRef {
  return { resource, path, message };
}
