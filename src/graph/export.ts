// Exports of a laid-out graph: Graphviz DOT (the article's /dotviz) and standalone SVG. Pure; every label escaped.
import { nodeLabel, type Layout } from './layout';
import type { Graph, GraphEdge, Health } from './types';

/** A DOT double-quoted string. */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** Text for XML/HTML content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function edgeLabel(e: GraphEdge): string {
  if (e.configOnly) {
    const c = e.config[0];
    return c ? [c.weight !== undefined ? `${c.weight}%` : '', c.subset ?? '', c.fault ? 'fault' : ''].filter(Boolean).join(' ') : '';
  }
  const rate = e.protocol === 'tcp' ? `${fmt(e.rps)} B/s` : `${fmt(e.rps)} rps`;
  const err = e.err5xx + e.err4xx > 0 ? ` ${fmt((e.err5xx + e.err4xx) * 100)}% err` : '';
  return `${rate}${err}`;
}

export function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

const DOT_COLOR: Record<Health, string> = { healthy: 'darkgreen', degraded: 'orange', failure: 'red', idle: 'gray', na: 'gray40' };

export function toDot(g: Graph): string {
  const lines = ['digraph istio {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  const byNs = new Map<string, Graph['nodes']>();
  for (const n of g.nodes) byNs.set(n.namespace, [...(byNs.get(n.namespace) ?? []), n]);
  let i = 0;
  for (const [ns, nodes] of byNs) {
    const indent = ns ? '    ' : '  ';
    if (ns) lines.push(`  subgraph cluster_${i++} {`, `    label=${dotString(ns)};`);
    for (const n of nodes) lines.push(`${indent}${dotString(n.id)} [label=${dotString(nodeLabel(n))}, color=${DOT_COLOR[n.health]}];`);
    if (ns) lines.push('  }');
  }
  for (const e of g.edges) {
    const style = e.configOnly ? ', style=dashed' : '';
    lines.push(`  ${dotString(e.source)} -> ${dotString(e.target)} [label=${dotString(edgeLabel(e))}, color=${DOT_COLOR[e.health]}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

const SVG_COLOR: Record<Health, string> = { healthy: '#3fa34d', degraded: '#d69e00', failure: '#d0312d', idle: '#8a8a8a', na: '#8a8a8a' };

export function toSvg(g: Graph, l: Layout): string {
  const pad = 10;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(l.width + 2 * pad)}" height="${Math.ceil(l.height + 2 * pad)}" font-family="sans-serif" font-size="12">`,
    `<g transform="translate(${pad},${pad})">`,
  ];
  for (const [ns, b] of Object.entries(l.groups)) {
    out.push(`<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="none" stroke="#999" stroke-dasharray="4 3" rx="6"/>`);
    out.push(`<text x="${b.x + 6}" y="${b.y + 16}" fill="#777">${xmlEscape(ns)}</text>`);
  }
  for (const e of g.edges) {
    const pts = l.edges[e.id] ?? straight(l, e);
    if (!pts) continue;
    out.push(`<polyline points="${pts.map((p) => `${p.x},${p.y}`).join(' ')}" fill="none" stroke="${SVG_COLOR[e.health]}"${e.configOnly ? ' stroke-dasharray="5 4"' : ''}/>`);
  }
  for (const n of g.nodes) {
    const b = l.nodes[n.id];
    if (!b) continue;
    out.push(`<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="${n.kind === 'service' ? 17 : 4}" fill="#fff" stroke="${SVG_COLOR[n.health]}" stroke-width="2"/>`);
    out.push(`<text x="${b.x + b.w / 2}" y="${b.y + b.h / 2 + 4}" text-anchor="middle">${xmlEscape(nodeLabel(n))}</text>`);
  }
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

function straight(l: Layout, e: GraphEdge): { x: number; y: number }[] | undefined {
  const a = l.nodes[e.source];
  const b = l.nodes[e.target];
  return a && b ? [{ x: a.x + a.w / 2, y: a.y + a.h / 2 }, { x: b.x + b.w / 2, y: b.y + b.h / 2 }] : undefined;
}
