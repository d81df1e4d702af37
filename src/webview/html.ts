// The graph page's HTML shell: static markup only (no data), strict CSP with a fresh nonce per page.
import { randomBytes } from 'node:crypto';

export interface PageUris {
  cspSource: string;
  script: string;
  style: string;
}

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

/** Strict CSP: nothing by default, our stylesheet, our one script by nonce; no inline handlers, no eval. */
export function csp(cspSource: string, n: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `script-src 'nonce-${n}'`, `img-src ${cspSource} data:`, `font-src ${cspSource}`].join('; ');
}

export function graphHtml(u: PageUris, n = nonce()): string {
  const opt = (v: string, label: string) => `<option value="${v}">${label}</option>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(u.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${u.style}">
<title>Istio Service Graph</title>
</head>
<body>
<div id="toolbar" role="toolbar" aria-label="Service graph">
  <label>Graph <select id="graph-type">${opt('versionedApp', 'Versioned app')}${opt('app', 'App')}${opt('workload', 'Workload')}${opt('service', 'Service')}</select></label>
  <label>Layout <select id="layout">${opt('layered', 'Layered →')}${opt('layered-down', 'Layered ↓')}${opt('stress', 'Stress')}${opt('mrtree', 'Tree')}</select></label>
  <label>Window <select id="window">${opt('30s', '30s')}${opt('1m', '1m')}${opt('5m', '5m')}${opt('15m', '15m')}${opt('1h', '1h')}</select></label>
  <label>Namespaces <input id="namespaces" type="text" size="14" placeholder="all"></label>
  <label><input id="idle" type="checkbox"> Idle</label>
  <label>Filter <input id="filter" type="search" size="12" placeholder="name"></label>
  <select id="filter-mode" aria-label="Filter mode">${opt('find', 'Find')}${opt('hide', 'Hide')}</select>
  <button id="refresh" type="button">Refresh</button>
  <button id="fit" type="button">Fit</button>
  <button id="export-svg" type="button">SVG</button>
  <button id="export-dot" type="button">DOT</button>
  <span id="source"></span>
</div>
<div id="warnings" hidden></div>
<div id="main">
  <svg id="canvas" role="img" aria-label="Service graph"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs></svg>
  <div id="status" class="loading"><div id="status-message">Loading…</div><div id="progress"></div><div id="status-detail"></div></div>
  <div id="details" hidden></div>
  <div id="legend" aria-label="Legend"><span><i class="swatch healthy"></i>healthy</span><span><i class="swatch degraded"></i>degraded</span><span><i class="swatch failure"></i>failure</span><span><i class="swatch idle"></i>idle / no data</span><span><i class="swatch service"></i>service</span><span><i class="swatch config"></i>route from config</span></div>
</div>
<script nonce="${n}" src="${u.script}"></script>
</body>
</html>`;
}
