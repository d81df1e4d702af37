// The graph webview page served alone (no VS Code) with a stub acquireVsCodeApi, the panel's CSP and a nonce:
// used by the e2e escaping check and the paint benchmark. Needs npm run build and npx tsc -p tsconfig.test.json.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');

/** Serves the bundled page with a stub acquireVsCodeApi, same CSP and nonce as the panel. */
async function standalonePage() {
  const { graphHtml } = require(path.join(ROOT, 'out/src/webview/html.js'));
  const stub = 'window.__posted=[];window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__posted.push(m),getState:()=>undefined,setState:()=>{}});';
  const server = http.createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    if (req.url === '/') {
      const html = graphHtml({ cspSource: origin, script: '/dist/graph.js', style: '/dist/graph.css' }, 'TESTNONCE')
        .replace('<script nonce="TESTNONCE" src=', '<script nonce="TESTNONCE" src="/stub.js"></script><script nonce="TESTNONCE" src=');
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
    if (req.url === '/stub.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(stub);
    const f = path.join(ROOT, 'dist', path.basename(req.url ?? ''));
    if (req.url?.startsWith('/dist/') && fs.existsSync(f)) {
      return void res.writeHead(200, { 'content-type': f.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(fs.readFileSync(f));
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

module.exports = { standalonePage };
