// The mesh networks (`--mesh-networks`) as a resource, "MeshNetworks istio-system/meshnetworks" as istioctl names them, so
// that findings about them have a place: the file they were read from when it is a bare MeshNetworks YAML, else (a
// ConfigMap, or networks given as data) a YAML rendering of them under a uri of its own, like the assumed resources'. Pure.
import { isMap, stringify } from 'yaml';
import { parseYaml, type ParsedFile } from '../yaml/parse';
import type { MeshResource, Obj } from './model';

export const MESH_NETWORKS_URI = 'istio-workbench:mesh-networks.yaml';
/** Where istioctl files the mesh networks: its istio namespace, under this name. */
const NAMESPACE = 'istio-system';
const NAME = 'meshnetworks';

const made = new WeakMap<Obj, MeshResource>();
const sources = new WeakMap<Obj, { uri: string; text: string }>();

/** Records the file these mesh networks were read from (parseMeshConfig's result): findings then point into it. */
export function setMeshNetworksSource(networks: Obj, uri: string, text: string): void {
  sources.set(networks, { uri, text });
  made.delete(networks);
}

/** The resource of these mesh networks (the same object for the same networks); undefined when they cannot be rendered. */
export function meshNetworksResource(networks: Obj): MeshResource | undefined {
  const known = made.get(networks);
  if (known) return known;
  const at = sourceOf(networks) ?? rendered(networks);
  const doc = at?.file.docs[0];
  if (!at || !doc) return undefined;
  const r: MeshResource = {
    gk: 'core/MeshNetworks', kind: 'MeshNetworks', apiVersion: 'v1alpha1', namespace: NAMESPACE, name: NAME, namespaceGiven: true,
    obj: networks, uri: at.uri, file: at.file, doc: doc.doc, docIndex: doc.index, base: [],
  };
  made.set(networks, r);
  return r;
}

/** The file the networks were read from, when it holds them as they are (one MeshNetworks mapping, not a ConfigMap). */
function sourceOf(networks: Obj): { uri: string; file: ParsedFile } | undefined {
  const source = sources.get(networks);
  if (!source) return undefined;
  const file = parseYaml(source.text);
  const only = file.docs.length === 1 ? file.docs[0].doc.contents : undefined;
  return isMap(only) && only.get('kind') === undefined ? { uri: source.uri, file } : undefined;
}

function rendered(networks: Obj): { uri: string; file: ParsedFile } | undefined {
  try {
    return { uri: MESH_NETWORKS_URI, file: parseYaml(stringify(networks)) };
  } catch {
    return undefined;
  }
}
