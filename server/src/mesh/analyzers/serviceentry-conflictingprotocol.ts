// serviceentry.ConflictingServiceEntryProtocolAnalyzer: ServiceEntries visible in one scope define the same host and
// port with different protocols (IST0177).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { EXPORT_ALL, EXPORT_LOCAL } from '../hosts';
import { sameResource } from '../index';
import { arr, fullName, num, obj, spec, str, type MeshResource } from '../model';

export const conflictingServiceEntryProtocolAnalyzer: MeshAnalyzer = {
  name: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  analyze(ctx) {
    const index = new Map<string, { scope: string; host: string; port: number; entries: { protocol: string; r: MeshResource }[] }>();
    for (const r of ctx.forEach(GK.ServiceEntry)) {
      const exportTo = arr(spec(r).exportTo).map(str);
      const scopes = exportTo.length === 0 || exportTo.includes(EXPORT_ALL) ? [EXPORT_ALL] : [...new Set(exportTo.map((e) => (e === EXPORT_LOCAL ? r.namespace : e)))];
      for (const scope of scopes) {
        for (const host of arr(spec(r).hosts).map(str)) {
          for (const p of arr(spec(r).ports)) {
            const port = num(obj(p).number) ?? 0;
            const key = JSON.stringify([scope, host, port]);
            if (!index.has(key)) index.set(key, { scope, host, port, entries: [] });
            index.get(key)!.entries.push({ protocol: str(obj(p).protocol), r });
          }
        }
      }
    }
    const reported = new Set<MeshResource>();
    for (const k of index.values()) {
      const entries = [...k.entries];
      if (k.scope !== EXPORT_ALL) entries.push(...(index.get(JSON.stringify([EXPORT_ALL, k.host, k.port]))?.entries ?? []));
      // One entry has one protocol (most hosts and ports).
      if (entries.length < 2) continue;
      const protocols = [...new Set(entries.map((e) => e.protocol.toUpperCase()))].sort();
      if (protocols.length < 2) continue;
      // Definitions of one ServiceEntry in several files are alternatives, applied one at a time: never a conflict.
      if (!entries.some((e) => entries.some((o) => !sameResource(o.r, e.r) && o.protocol.toUpperCase() !== e.protocol.toUpperCase()))) continue;
      const names = [...new Set(entries.map((e) => fullName(e.r)))].sort();
      for (const e of entries) {
        if (reported.has(e.r)) continue;
        reported.add(e.r);
        ctx.report('IST0177', e.r, ['spec', 'ports'], [names.join(', '), k.host, k.port, protocols.join(', ')],
          entries.filter((o) => !sameResource(o.r, e.r)).map((o) => relatedAt(o.r, `ServiceEntry ${fullName(o.r)} defines ${k.host}:${k.port} as ${o.protocol}`, ['spec', 'ports'])));
      }
    }
  },
};
