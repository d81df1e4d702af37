#!/usr/bin/env node
// A Kubernetes API server for tests, speaking the real protocol for what Istio Workbench uses: HTTPS (committed
// self-signed certificate in tls/), bearer-token auth (401) and per-user denials (403 Status bodies), discovery,
// list with limit/continue, get, watch with resourceVersion, bookmarks (allowWatchBookmarks) and 410 Gone after
// compaction, pods/exec and pods/portforward over WebSocket (v4/v5.channel.k8s.io), services proxy to istiod's debug
// endpoints, creates (generateName, mutating admission webhooks registered by tests) with dryRun=All (admission runs,
// nothing is stored), and fieldSelector metadata.name/metadata.namespace on lists. Seeded with test/apiserver/mesh.js.
// CLI: node test/apiserver/server.js [--port N] [--kubeconfig FILE]   (prints the URL; Ctrl-C stops it)
'use strict';
const fs = require('fs');
const https = require('https');
const path = require('path');
const { setInterval, clearInterval } = require('timers');
const { WebSocketServer } = require('ws');
const mesh = require('./mesh');

const TLS = { cert: fs.readFileSync(path.join(__dirname, 'tls/cert.pem')), key: fs.readFileSync(path.join(__dirname, 'tls/key.pem')) };
const CA_DATA = TLS.cert.toString('base64');

const RESOURCES = {
  '': { v1: { namespaces: { kind: 'Namespace', namespaced: false }, pods: { kind: 'Pod', namespaced: true }, services: { kind: 'Service', namespaced: true }, configmaps: { kind: 'ConfigMap', namespaced: true } } },
  'networking.istio.io': { v1: { virtualservices: { kind: 'VirtualService', namespaced: true }, destinationrules: { kind: 'DestinationRule', namespaced: true }, gateways: { kind: 'Gateway', namespaced: true } } },
  'apiextensions.k8s.io': { v1: { customresourcedefinitions: { kind: 'CustomResourceDefinition', namespaced: false, apiVersion: 'apiextensions.k8s.io/v1' } } },
};

/** Users by bearer token; `deny` holds "verb resource" pairs such as "list pods", "create pods/portforward". */
const DEFAULT_USERS = { 'admin-token': { name: 'admin', deny: [] } };

/** Five characters like the API server's generated-name suffix (deterministic here). */
function hash5(s) {
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(36).slice(-5).padStart(5, 'x');
}

function status(code, reason, message, details) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

class ApiServer {
  constructor({ users = DEFAULT_USERS, objects = mesh.seedObjects(), bookmarkMs = 1000 } = {}) {
    this.users = JSON.parse(JSON.stringify(users));
    this.rv = 100;
    this.compactedRv = 0;
    this.bookmarkMs = bookmarkMs;
    this.store = new Map(); // key "resource/ns/name" -> object
    this.events = []; // {rv, resource, type, object}
    this.watchers = new Set();
    this.requests = []; // "METHOD path" log for tests
    this.configDumps = new Map(); // "ns/pod" -> text override (e.g. malformed)
    this.istiodUp = true;
    this.webhooks = []; // mutating admission webhooks: {name, resource, mutate(object, request) -> object | {deny} }
    for (const o of objects) this.put(o, false);
  }

  /**
   * Registers a mutating admission webhook (the test double of a cluster's webhook, e.g. Istio's injector) for creates
   * of `resource`: mutate(object, {namespace, namespaceObject, dryRun, user}) returns the object to admit (a copy may be
   * changed in place), or {deny: message}; a throw is a webhook failure. Returns a function that removes it.
   */
  addMutatingWebhook({ name, resource = 'pods', mutate }) {
    const hook = { name, resource, mutate };
    this.webhooks.push(hook);
    return () => { this.webhooks = this.webhooks.filter((h) => h !== hook); };
  }

  resourceOf(o) {
    for (const [group, versions] of Object.entries(RESOURCES)) {
      for (const res of Object.values(versions)) for (const [plural, r] of Object.entries(res)) if (r.kind === o.kind && (group === '' || o.apiVersion.startsWith(group))) return plural;
    }
    return o.kind.toLowerCase() + 's';
  }

  key(resource, ns, name) { return `${resource}/${ns || ''}/${name}`; }

  put(o, emit = true) {
    const resource = this.resourceOf(o);
    const k = this.key(resource, o.metadata.namespace, o.metadata.name);
    const type = this.store.has(k) ? 'MODIFIED' : 'ADDED';
    o.metadata.resourceVersion = String(++this.rv);
    this.store.set(k, o);
    if (emit) this.emit(resource, type, o);
    return o;
  }

  remove(resource, ns, name) {
    const k = this.key(resource, ns, name);
    const o = this.store.get(k);
    if (!o) return null;
    this.store.delete(k);
    o.metadata.resourceVersion = String(++this.rv);
    this.emit(resource, 'DELETED', o);
    return o;
  }

  emit(resource, type, object) {
    const ev = { rv: this.rv, resource, type, object: JSON.parse(JSON.stringify(object)) };
    this.events.push(ev);
    if (this.events.length > 5000) this.compact(this.events[this.events.length - 2500].rv);
    for (const w of this.watchers) w.send(ev);
  }

  /** Forget events up to rv: watches from older versions get 410 Gone. */
  compact(rv = this.rv) {
    this.compactedRv = rv;
    this.events = this.events.filter((e) => e.rv > rv);
  }

  /** Ends every open watch (as an API server restart or a load balancer would). */
  dropWatches() {
    for (const w of this.watchers) w.end();
  }

  list(resource, ns) {
    const prefix = `${resource}/${ns ?? ''}`;
    return [...this.store.entries()].filter(([k]) => (ns === undefined ? k.startsWith(`${resource}/`) : k.startsWith(`${prefix}/`))).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => o);
  }

  pods() { return this.list('pods'); }
  findPod(ns, name) { return this.store.get(this.key('pods', ns, name)); }

  listen(port = 0) {
    this.server = https.createServer(TLS, (req, res) => this.handle(req, res).catch((e) => { if (!res.headersSent) this.send(res, 500, status(500, 'InternalError', String(e))); }));
    this.wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', () => {
      this.port = this.server.address().port;
      this.url = `https://127.0.0.1:${this.port}`;
      resolve(this);
    }));
  }

  async close() {
    for (const w of this.watchers) w.end();
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.server?.closeAllConnections?.();
    await new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  kubeconfig(token = 'admin-token', { context = 'test-mesh', namespace = 'default', server = this.url } = {}) {
    return [
      'apiVersion: v1', 'kind: Config', `current-context: ${context}`,
      'clusters:', `- name: ${context}`, '  cluster:', `    server: ${server}`, `    certificate-authority-data: ${CA_DATA}`,
      'contexts:', `- name: ${context}`, '  context:', `    cluster: ${context}`, `    user: ${context}-user`, `    namespace: ${namespace}`,
      'users:', `- name: ${context}-user`, '  user:', `    token: ${token}`, '',
    ].join('\n');
  }

  send(res, code, body, type = 'application/json') {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  auth(req) {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
    return m ? this.users[m[1]] : undefined;
  }

  denied(user, verb, resource, ns) {
    if (!user.deny.includes(`${verb} ${resource}`)) return null;
    const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
    const [res, sub] = resource.split('/');
    return status(403, 'Forbidden', `${resource} is forbidden: User "${user.name}" cannot ${verb} resource "${res}"${sub ? ` subresource "${sub}"` : ''} in API group "" ${scope}`, { kind: res });
  }

  async handle(req, res) {
    const url = new URL(req.url, 'https://x');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const user = this.auth(req);
    if (!user) return this.send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const p = url.pathname.replace(/\/$/, '');
    if (p === '/api') return this.send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (p === '/apis') {
      return this.send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: Object.keys(RESOURCES).filter(Boolean).map((name) => ({ name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' } })) });
    }
    if (p === '/version') return this.send(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0-workbench-test' });
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/(v1))(?:\/namespaces\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?(?:\/(.*))?$/.exec(p);
    if (!m) return this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const group = m[2] || '';
    let [ns, resource, name, sub, rest] = [m[4], m[5], m[6], m[7], m[8]];
    if (!ns && !resource) return this.discovery(res, group);
    if (m[4] && !resource) { resource = 'namespaces'; name = ns; ns = undefined; } // GET /api/v1/namespaces/x
    const info = RESOURCES[group]?.v1?.[resource];
    if (!info) return this.send(res, 404, status(404, 'NotFound', `the server could not find the requested resource (${resource})`));
    if (resource === 'services' && sub === 'proxy') return this.serviceProxy(req, res, user, ns, name, rest || '', url);
    if (req.method === 'POST' && !name) return this.create(req, res, user, group, resource, ns, url);
    if (req.method !== 'GET') return this.send(res, 405, status(405, 'MethodNotAllowed', `${req.method} is not supported here`));
    if (name) {
      const d = this.denied(user, 'get', resource, ns);
      if (d) return this.send(res, 403, d);
      const o = this.store.get(this.key(resource, ns, name));
      return o ? this.send(res, 200, o) : this.send(res, 404, status(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }));
    }
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const d = this.denied(user, watch ? 'watch' : 'list', resource, ns);
    if (d) return this.send(res, 403, d);
    return watch ? this.watch(req, res, resource, ns, url) : this.listPage(res, info, resource, ns, url);
  }

  discovery(res, group) {
    const list = Object.entries(RESOURCES[group]?.v1 ?? {}).map(([name, r]) => ({ name, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'list', 'watch', 'create'] }));
    if (group === '') list.push({ name: 'pods/exec', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] }, { name: 'pods/portforward', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] }, { name: 'services/proxy', namespaced: true, kind: 'ServiceProxyOptions', verbs: ['get'] });
    return this.send(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources: list });
  }

  listPage(res, info, resource, ns, url) {
    const all = this.list(resource, ns);
    const limit = Number(url.searchParams.get('limit') || 0);
    let start = 0;
    let listRv = String(this.rv);
    const cont = url.searchParams.get('continue');
    if (cont) {
      let tok;
      try { tok = JSON.parse(Buffer.from(cont, 'base64url').toString()); } catch { return this.send(res, 400, status(400, 'BadRequest', 'invalid continue token')); }
      if (Number(tok.rv) < this.compactedRv) return this.send(res, 410, status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'));
      start = tok.start;
      listRv = tok.rv;
    }
    const fields = this.fieldSelector(url);
    if (typeof fields === 'string') return this.send(res, 400, status(400, 'BadRequest', fields));
    const selected = all.filter((o) => fields.every(([k, v]) => (k === 'metadata.name' ? o.metadata.name : o.metadata.namespace ?? '') === v));
    const items = limit > 0 ? selected.slice(start, start + limit) : selected.slice(start);
    const more = limit > 0 && start + limit < selected.length;
    const metadata = { resourceVersion: listRv, ...(more ? { continue: Buffer.from(JSON.stringify({ rv: listRv, start: start + limit })).toString('base64url'), remainingItemCount: selected.length - start - limit } : {}) };
    return this.send(res, 200, { kind: `${info.kind}List`, apiVersion: info.apiVersion ?? 'v1', metadata, items });
  }

  /** fieldSelector=metadata.name=x,metadata.namespace=y (the fields every resource supports) -> [[field, value]]. */
  fieldSelector(url) {
    const raw = url.searchParams.get('fieldSelector');
    if (!raw) return [];
    const out = [];
    for (const term of raw.split(',')) {
      const m = /^(metadata\.name|metadata\.namespace)(==?)(.*)$/.exec(term);
      if (!m) return `field label not supported: ${term.split(/!?=/)[0]}`;
      out.push([m[1], m[3]]);
    }
    return out;
  }

  watch(req, res, resource, ns, url) {
    const rvParam = url.searchParams.get('resourceVersion') || '';
    const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
    const timeout = Number(url.searchParams.get('timeoutSeconds') || 300) * 1000;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const line = (type, object) => res.write(`${JSON.stringify({ type, object })}\n`);
    const matches = (ev) => ev.resource === resource && (ns === undefined || ev.object.metadata.namespace === ns);
    let ended = false;
    const w = {
      send: (ev) => { if (!ended && matches(ev)) line(ev.type, ev.object); },
      end: () => { if (!ended) { ended = true; clearInterval(bm); clearTimeout(tm); this.watchers.delete(w); res.end(); } },
    };
    const bm = setInterval(() => bookmarks && line('BOOKMARK', { kind: RESOURCES[''].v1[resource]?.kind ?? 'Object', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } }), this.bookmarkMs);
    const tm = setTimeout(() => w.end(), timeout);
    req.on('close', () => w.end());
    if (rvParam === '' || rvParam === '0') {
      for (const o of this.list(resource, ns)) line('ADDED', o);
    } else if (Number(rvParam) < this.compactedRv) {
      line('ERROR', status(410, 'Expired', `too old resource version: ${rvParam} (${this.compactedRv})`));
      return w.end();
    } else {
      for (const ev of this.events) if (ev.rv > Number(rvParam)) w.send(ev);
    }
    this.watchers.add(w);
  }

  async create(req, res, user, group, resource, ns, url) {
    const d = this.denied(user, 'create', resource, ns);
    if (d) return this.send(res, 403, d);
    const body = await new Promise((r) => { let s = ''; req.on('data', (c) => (s += c)); req.on('end', () => r(s)); });
    let o;
    try { o = JSON.parse(body); } catch { return this.send(res, 400, status(400, 'BadRequest', 'the body is not JSON')); }
    if (!o || typeof o !== 'object' || Array.isArray(o)) return this.send(res, 400, status(400, 'BadRequest', 'the body is not an object'));
    if (o.metadata?.namespace && ns && o.metadata.namespace !== ns) return this.send(res, 400, status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
    if (ns && !this.store.has(this.key('namespaces', undefined, ns))) return this.send(res, 404, status(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' }));
    const dryRun = url.searchParams.get('dryRun');
    if (dryRun !== null && dryRun !== 'All') return this.send(res, 400, status(400, 'BadRequest', `Invalid dry run value: ${dryRun}`));
    o.metadata = { ...o.metadata, namespace: ns ?? o.metadata?.namespace, uid: `uid-${this.rv + 1}`, creationTimestamp: new Date(0).toISOString(), generation: 1 };
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${hash5(`${o.metadata.generateName}${this.rv}${this.requests.length}`)}`;
    if (!o.metadata.name) return this.send(res, 422, status(422, 'Invalid', `${resource} is invalid: metadata.name: Required value`));
    if (this.store.has(this.key(resource, ns, o.metadata.name))) return this.send(res, 409, status(409, 'AlreadyExists', `${resource} "${o.metadata.name}" already exists`));
    // Mutating admission, in registration order (the API server calls webhooks on dry runs too: they declare no side effects).
    for (const hook of this.webhooks.filter((h) => h.resource === resource)) {
      let out;
      try {
        out = await hook.mutate(JSON.parse(JSON.stringify(o)), { namespace: ns, namespaceObject: this.store.get(this.key('namespaces', undefined, ns)) ?? null, dryRun: dryRun === 'All', user: user.name });
      } catch (e) {
        return this.send(res, 500, status(500, 'InternalError', `Internal error occurred: failed calling webhook "${hook.name}": ${e instanceof Error ? e.message : String(e)}`));
      }
      if (out && out.deny !== undefined) return this.send(res, 400, status(400, 'BadRequest', `admission webhook "${hook.name}" denied the request: ${out.deny}`));
      if (out && typeof out === 'object') o = out;
    }
    if (dryRun === 'All') return this.send(res, 201, { ...o, metadata: { ...o.metadata, resourceVersion: '' } });
    return this.send(res, 201, this.put(o));
  }

  serviceProxy(req, res, user, ns, svc, rest, url) {
    const d = this.denied(user, 'get', 'services/proxy', ns);
    if (d) return this.send(res, 403, d);
    if (ns !== 'istio-system' || !/^(https?:)?istiod(:\d+|:http-monitoring)?$/.test(svc)) return this.send(res, 503, status(503, 'ServiceUnavailable', `no endpoints available for service "${svc}"`));
    if (!this.istiodUp) return this.send(res, 503, status(503, 'ServiceUnavailable', 'no endpoints available for service "istiod"'));
    if (rest === 'debug/syncz') return this.send(res, 200, mesh.syncz(this.pods()));
    if (rest === 'debug/config_dump') {
      const [pod, pns] = (url.searchParams.get('proxyID') || '').split('.');
      const p = this.findPod(pns, pod);
      return p && this.hasSidecar(p) ? this.send(res, 200, this.dumpOf(p)) : this.send(res, 404, `proxy ${url.searchParams.get('proxyID')} not found`, 'text/plain');
    }
    return this.send(res, 404, '404 page not found', 'text/plain');
  }

  dumpOf(p) {
    return this.configDumps.get(`${p.metadata.namespace}/${p.metadata.name}`) ?? mesh.configDump(p);
  }

  hasSidecar(p) {
    return [...(p.spec.containers || []), ...(p.spec.initContainers || [])].some((c) => c.name === 'istio-proxy');
  }

  upgrade(req, socket, head) {
    const url = new URL(req.url, 'https://x');
    this.requests.push(`UPGRADE ${url.pathname}${url.search}`);
    const reject = (code, s) => {
      const body = JSON.stringify(s);
      socket.end(`HTTP/1.1 ${code} ${code === 403 ? 'Forbidden' : code === 401 ? 'Unauthorized' : 'Not Found'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    const user = this.auth(req);
    if (!user) return reject(401, status(401, 'Unauthorized', 'Unauthorized'));
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|portforward)$/.exec(url.pathname);
    if (!m) return reject(404, status(404, 'NotFound', 'not found'));
    const [, ns, name, kind] = m;
    const d = this.denied(user, 'create', `pods/${kind}`, ns);
    if (d) return reject(403, d);
    const p = this.findPod(ns, name);
    if (!p) return reject(404, status(404, 'NotFound', `pods "${name}" not found`));
    this.wss.handleUpgrade(req, socket, head, (ws) => (kind === 'exec' ? this.exec(ws, p, url) : this.portForward(ws, p, url)));
  }

  exec(ws, p, url) {
    const container = url.searchParams.get('container');
    const cmd = url.searchParams.getAll('command');
    const frame = (ch, data) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)]));
    const finish = (ok, message) => {
      frame(3, JSON.stringify(ok ? { metadata: {}, status: 'Success' } : { metadata: {}, status: 'Failure', message, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '1' }] } }));
      ws.close(1000);
    };
    if (!this.hasSidecar(p) || container !== 'istio-proxy') {
      return finish(false, `container ${container} is not valid for pod ${p.metadata.name}`);
    }
    if (cmd.join(' ') === 'pilot-agent request GET config_dump') {
      frame(1, this.dumpOf(p));
      return finish(true);
    }
    frame(2, `exec: "${cmd[0]}": executable file not found in $PATH\n`);
    return finish(false, 'command terminated with non-zero exit code');
  }

  portForward(ws, p, url) {
    const port = Number(url.searchParams.get('ports'));
    const portBytes = Buffer.from([port & 0xff, port >> 8]);
    ws.send(Buffer.concat([Buffer.from([0]), portBytes]));
    ws.send(Buffer.concat([Buffer.from([1]), portBytes]));
    let request = '';
    ws.on('message', (data) => {
      const buf = Buffer.from(data);
      if (buf[0] === 255) return; // v5 close-stream frame: the client finished writing
      if (buf[0] !== 0) return;
      request += buf.subarray(1).toString();
      if (!request.includes('\r\n\r\n')) return;
      if (port !== 15000 || !this.hasSidecar(p)) {
        ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to pod ${p.metadata.uid}: connection refused`)]));
        return ws.close(1000);
      }
      const target = request.split(' ')[1] || '/';
      const body = target.startsWith('/config_dump') ? this.dumpOf(p) : '{}';
      const head = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(head + body)]));
      ws.close(1000);
    });
  }
}

async function startApiServer(opts = {}) {
  const s = new ApiServer(opts);
  await s.listen(opts.port || 0);
  return s;
}

module.exports = { ApiServer, startApiServer, CA_DATA };

if (require.main === module) {
  const arg = (n) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : undefined; };
  startApiServer({ port: Number(arg('--port') || 0) }).then((s) => {
    const kc = arg('--kubeconfig');
    if (kc) fs.writeFileSync(kc, s.kubeconfig());
    console.log(`test API server on ${s.url}${kc ? ` (kubeconfig: ${kc})` : ''}`);
  });
}
