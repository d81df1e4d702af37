// The service graph page inside the webview. Data arrives only through postMessage (typed in src/graph/protocol.ts);
// every string from the cluster goes into the DOM through textContent/setAttribute, never as markup.
import type { Layout } from '../../src/graph/layout';
import type { FromWebview, GraphViewOptions, GraphWebviewState, ToWebview } from '../../src/graph/protocol';
import type { Graph, GraphEdge, GraphNode } from '../../src/graph/types';
import './graph.css';

interface VsCodeApi {
  postMessage(m: FromWebview): void;
  getState(): GraphWebviewState | undefined;
  setState(s: GraphWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state: GraphWebviewState = vscode.getState() ?? {};
let current: { graph: Graph; layout: Layout } | undefined;
const view = { x: 0, y: 0, k: 1 };

const svg = document.querySelector('#canvas') as SVGSVGElement;
const root = document.createElementNS(SVG, 'g');
svg.appendChild(root);

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

function text(parent: Element, s: string, attrs: Record<string, string | number>): SVGTextElement {
  const t = el('text', attrs, parent);
  t.textContent = s;
  return t;
}

function setStatus(kind: 'loading' | 'error' | 'empty' | 'none', message = '', detail = ''): void {
  const box = $('status');
  box.className = kind;
  box.hidden = kind === 'none';
  $('status-message').textContent = message;
  $('status-detail').textContent = detail;
  $('progress').hidden = kind !== 'loading';
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const pct = (x: number) => `${fmt(x * 100)}%`;
const label = (n: GraphNode) => (n.version ? `${n.name} ${n.version}` : n.name);

function edgeText(e: GraphEdge): string {
  if (e.configOnly) {
    const c = e.config[0];
    return c ? [c.weight !== undefined ? `${c.weight}%` : '', c.subset ?? '', c.fault ? 'fault' : ''].filter(Boolean).join(' ') : '';
  }
  const rate = e.protocol === 'tcp' ? `${fmt(e.rps)} B/s` : `${fmt(e.rps)} rps`;
  const err = e.err5xx + e.err4xx;
  const w = e.config.find((c) => c.weight !== undefined);
  return `${rate}${err > 0 ? ` ${pct(err)} err` : ''}${w ? ` [${w.weight}%]` : ''}`;
}

function nodeDetails(n: GraphNode, g: Graph): string[] {
  const lines = [`${n.kind} ${n.namespace ? `${n.namespace}/` : ''}${label(n)}`, `health: ${n.health}`];
  if (g.time !== undefined) lines.push(`in: ${fmt(n.inRps)} rps`);
  lines.push(...n.notes);
  for (const s of n.sources) lines.push(`defined by ${s.kind} ${s.name} in ${decodeURIComponent(s.uri.split('/').pop() ?? '')}:${s.line + 1}`);
  if (n.sources.length) lines.push('click to open its YAML');
  return lines;
}

function edgeDetails(e: GraphEdge, g: Graph): string[] {
  const by = (id: string) => g.nodes.find((n) => n.id === id);
  const lines = [`${by(e.source)?.name ?? e.source} → ${by(e.target)?.name ?? e.target} (${e.protocol})`];
  if (!e.configOnly) {
    lines.push(`${e.protocol === 'tcp' ? 'bytes/s' : 'requests/s'}: ${fmt(e.rps)}`);
    if (e.protocol !== 'tcp') lines.push(`5xx: ${pct(e.err5xx)}  4xx: ${pct(e.err4xx)}`);
    if (e.p95Ms !== undefined) lines.push(`latency p50/p95/p99: ${fmt(e.p50Ms ?? 0)}/${fmt(e.p95Ms)}/${fmt(e.p99Ms ?? 0)} ms`);
    lines.push(`mTLS: ${e.mtls === undefined ? 'unknown' : pct(e.mtls)}`, `health: ${e.health}`);
  }
  for (const c of e.config) {
    const parts = [c.weight !== undefined ? `weight ${c.weight}%` : '', c.subset ? `subset ${c.subset}` : '', c.timeout ? `timeout ${c.timeout}` : '',
      c.retries ? `retries ${c.retries}` : '', c.fault ? `fault ${c.fault}` : '', c.mirror ? 'mirrored' : ''].filter(Boolean);
    lines.push(`${c.source.kind} ${c.source.name}: ${parts.join(', ') || 'route'}`);
  }
  return lines;
}

function showDetails(lines: string[]): void {
  const box = $('details');
  box.replaceChildren(...lines.map((l) => Object.assign(document.createElement('div'), { textContent: l })));
  box.hidden = lines.length === 0;
}

function render(graph: Graph, layout: Layout): void {
  root.replaceChildren();
  const groups = el('g', { class: 'groups' }, root);
  for (const [ns, b] of Object.entries(layout.groups)) {
    el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 8, class: 'ns' }, groups);
    text(groups, ns, { x: b.x + 8, y: b.y + 18, class: 'ns-label' });
  }
  const edgesG = el('g', { class: 'edges' }, root);
  for (const e of graph.edges) {
    const a = layout.nodes[e.source];
    const b = layout.nodes[e.target];
    if (!a || !b) continue;
    const pts = layout.edges[e.id] ?? [{ x: a.x + a.w / 2, y: a.y + a.h / 2 }, { x: b.x + b.w / 2, y: b.y + b.h / 2 }];
    const g = el('g', { class: `edge ${e.health} ${e.protocol}${e.configOnly ? ' config' : ''}${e.config.length ? ' routed' : ''}` }, edgesG);
    g.dataset.source = e.source;
    g.dataset.target = e.target;
    el('polyline', { points: pts.map((p) => `${p.x},${p.y}`).join(' '), 'marker-end': 'url(#arrow)' }, g);
    const mid = pts[Math.floor((pts.length - 1) / 2)];
    const next = pts[Math.floor((pts.length - 1) / 2) + 1] ?? mid;
    const t = edgeText(e);
    if (t) text(g, t, { x: (mid.x + next.x) / 2, y: (mid.y + next.y) / 2 - 4, class: 'edge-label', 'text-anchor': 'middle' });
    g.addEventListener('mouseenter', () => showDetails(edgeDetails(e, graph)));
  }
  const nodesG = el('g', { class: 'nodes' }, root);
  for (const n of graph.nodes) {
    const b = layout.nodes[n.id];
    if (!b) continue;
    const g = el('g', { class: `node ${n.kind} ${n.health}${n.sources.length ? ' linked' : ''}`, tabindex: 0, role: 'button' }, nodesG);
    g.dataset.id = n.id;
    g.setAttribute('aria-label', label(n));
    el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: n.kind === 'service' ? b.h / 2 : n.kind === 'app' ? 10 : 3 }, g);
    text(g, label(n), { x: b.x + b.w / 2, y: b.y + b.h / 2 + 4, 'text-anchor': 'middle', class: 'node-label' });
    g.addEventListener('mouseenter', () => showDetails(nodeDetails(n, graph)));
    g.addEventListener('focus', () => showDetails(nodeDetails(n, graph)));
    g.addEventListener('click', () => vscode.postMessage({ type: 'openNode', id: n.id }));
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') vscode.postMessage({ type: 'openNode', id: n.id });
    });
  }
  applyFilter();
}

function applyTransform(): void {
  root.setAttribute('transform', `translate(${view.x},${view.y}) scale(${view.k})`);
  svg.classList.toggle('far', view.k < 0.6);
}

function fit(): void {
  if (!current) return;
  const r = svg.getBoundingClientRect();
  const { width, height } = current.layout;
  view.k = Math.min(1.5, Math.max(0.05, Math.min((r.width - 20) / Math.max(width, 1), (r.height - 20) / Math.max(height, 1))));
  view.x = (r.width - width * view.k) / 2;
  view.y = (r.height - height * view.k) / 2;
  applyTransform();
}

function applyFilter(): void {
  const q = ($('filter') as HTMLInputElement).value.trim().toLowerCase();
  const hide = ($('filter-mode') as HTMLSelectElement).value === 'hide';
  state.filter = q;
  vscode.setState(state);
  const match = new Set<string>();
  for (const g of root.querySelectorAll<SVGGElement>('g.node')) {
    const m = !!q && (g.getAttribute('aria-label') ?? '').toLowerCase().includes(q);
    if (m) match.add(g.dataset.id ?? '');
    g.classList.toggle('found', m && !hide);
    g.classList.toggle('hidden', !!q && hide && m);
  }
  for (const g of root.querySelectorAll<SVGGElement>('g.edge')) {
    g.classList.toggle('hidden', !!q && hide && (match.has(g.dataset.source ?? '') || match.has(g.dataset.target ?? '')));
  }
}

function readOptions(): GraphViewOptions {
  return {
    graphType: ($('graph-type') as HTMLSelectElement).value as GraphViewOptions['graphType'],
    layout: ($('layout') as HTMLSelectElement).value as GraphViewOptions['layout'],
    window: ($('window') as HTMLSelectElement).value,
    namespaces: ($('namespaces') as HTMLInputElement).value.split(/[\s,]+/).filter(Boolean),
    idle: ($('idle') as HTMLInputElement).checked,
  };
}

function writeOptions(o: GraphViewOptions): void {
  ($('graph-type') as HTMLSelectElement).value = o.graphType;
  ($('layout') as HTMLSelectElement).value = o.layout;
  ($('window') as HTMLSelectElement).value = o.window;
  ($('namespaces') as HTMLInputElement).value = o.namespaces.join(', ');
  ($('idle') as HTMLInputElement).checked = o.idle;
}

function onMessage(m: ToWebview): void {
  if (m.type === 'loading') return setStatus('loading', m.message);
  if (m.type === 'error') return setStatus('error', m.message, m.detail ?? '');
  const t0 = performance.now();
  current = { graph: m.graph, layout: m.layout };
  writeOptions(m.options);
  state.options = m.options;
  vscode.setState(state);
  const warn = $('warnings');
  warn.replaceChildren(...m.warnings.map((w) => Object.assign(document.createElement('div'), { textContent: w })));
  warn.hidden = m.warnings.length === 0;
  $('source').textContent = m.source === 'prometheus'
    ? `Prometheus · ${m.graph.window ?? ''} window · ${m.graph.nodes.length} nodes, ${m.graph.edges.length} edges`
    : `Workspace routing config (no traffic) · ${m.graph.nodes.length} nodes, ${m.graph.edges.length} edges`;
  if (m.graph.nodes.length === 0) {
    root.replaceChildren();
    setStatus('empty', m.source === 'prometheus' ? 'No traffic in this window.' : 'No services or routes in the workspace.',
      'Widen the time window, clear the namespace filter, or turn on idle nodes.');
  } else {
    setStatus('none');
    render(m.graph, m.layout);
    fit();
  }
  requestAnimationFrame(() => vscode.postMessage({ type: 'rendered', nodes: m.graph.nodes.length, ms: Math.round(performance.now() - t0) }));
}

function wire(): void {
  window.addEventListener('message', (ev: MessageEvent) => {
    const m = ev.data as ToWebview;
    if (m && typeof m === 'object' && (m.type === 'loading' || m.type === 'error' || m.type === 'graph')) onMessage(m);
  });
  for (const id of ['graph-type', 'layout', 'window', 'idle', 'namespaces']) {
    $(id).addEventListener('change', () => vscode.postMessage({ type: 'setOptions', options: readOptions() }));
  }
  $('filter').addEventListener('input', applyFilter);
  $('filter-mode').addEventListener('change', applyFilter);
  $('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  $('fit').addEventListener('click', fit);
  $('export-svg').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'svg' }));
  $('export-dot').addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'dot' }));
  let drag: { x: number; y: number } | undefined;
  svg.addEventListener('pointerdown', (ev) => {
    if ((ev.target as Element).closest('g.node')) return;
    drag = { x: ev.clientX - view.x, y: ev.clientY - view.y };
    svg.setPointerCapture(ev.pointerId);
  });
  svg.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    view.x = ev.clientX - drag.x;
    view.y = ev.clientY - drag.y;
    applyTransform();
  });
  svg.addEventListener('pointerup', () => (drag = undefined));
  svg.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    const k = Math.min(4, Math.max(0.05, view.k * Math.exp(-ev.deltaY * 0.0015)));
    const px = ev.clientX - r.left;
    const py = ev.clientY - r.top;
    view.x = px - ((px - view.x) * k) / view.k;
    view.y = py - ((py - view.y) * k) / view.k;
    view.k = k;
    applyTransform();
  }, { passive: false });
  window.addEventListener('resize', fit);
}

wire();
if (state.filter) ($('filter') as HTMLInputElement).value = state.filter;
if (state.options) writeOptions(state.options);
setStatus('loading', 'Loading the service graph…');
vscode.postMessage({ type: 'ready', options: state.options });
