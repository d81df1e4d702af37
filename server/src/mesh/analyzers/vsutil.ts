// Destinations of a VirtualService with the path of each (virtualservice/util.go).
import type { YamlPath } from '../context';
import { arr, obj, spec, str, type MeshResource, type Obj } from '../model';

export interface AnnotatedDestination {
  routeRule: 'tcp' | 'tls' | 'http' | 'http.mirror' | 'http.mirrors';
  serviceIndex: number;
  destinationIndex: number;
  destination: Obj;
  /** Path of the destination mapping inside the resource. */
  path: YamlPath;
}

export function routeDestinations(r: MeshResource): AnnotatedDestination[] {
  const s = spec(r);
  const out: AnnotatedDestination[] = [];
  for (const kind of ['tcp', 'tls', 'http'] as const) {
    arr(s[kind]).forEach((rule, i) => {
      arr(obj(rule).route).forEach((rd, j) => {
        out.push({ routeRule: kind, serviceIndex: i, destinationIndex: j, destination: obj(obj(rd).destination), path: ['spec', kind, i, 'route', j, 'destination'] });
      });
    });
  }
  return out;
}

export function mirrorDestinations(r: MeshResource): AnnotatedDestination[] {
  const out: AnnotatedDestination[] = [];
  arr(spec(r).http).forEach((rule, i) => {
    const m = obj(rule).mirror;
    if (m && typeof m === 'object') out.push({ routeRule: 'http.mirror', serviceIndex: i, destinationIndex: 0, destination: obj(m), path: ['spec', 'http', i, 'mirror'] });
    arr(obj(rule).mirrors).forEach((mm, j) => {
      out.push({ routeRule: 'http.mirrors', serviceIndex: i, destinationIndex: j, destination: obj(obj(mm).destination), path: ['spec', 'http', i, 'mirrors', j, 'destination'] });
    });
  });
  return out;
}

export function host(d: AnnotatedDestination): string {
  return str(d.destination.host);
}
