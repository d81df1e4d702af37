// schema.ValidationAnalyzer.VirtualService through the CLI: unreachable rules and ineffective matches on the exact field,
// and the product's schema issues reported once (as IST0106 only when schema.SchemaValidator does not run).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../server/src/cli';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop
  namespace: web
spec:
  hosts: [shop]
  http:
  - name: api
    match:
    - uri:
        prefix: /api
    route:
    - destination:
        host: shop
      weight: "100"
  - name: api-v2
    match:
    - uri:
        prefix: /api/v2
    route:
    - destination:
        host: shop
        subset: v2
    timout: 5s
  - route:
    - destination:
        host: shop
  - route:
    - destination:
        host: shop
`;

interface Out {
  code: string;
  severity: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  resource: { friendly: string };
}

function analyze(args: string[]): Out[] {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-vsval-'));
  fs.writeFileSync(path.join(d, 'vs.yaml'), VS);
  let out = '';
  let err = '';
  const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s), readStdin: () => '' };
  runCli(['analyze', '--format', 'json', '--failure-threshold', 'Error', ...args, d], io);
  fs.rmSync(d, { recursive: true, force: true });
  assert.equal(err, '');
  return JSON.parse(out) as Out[];
}

test('unreachable rule and overlapping prefix match, on the rule and the match', () => {
  const got = analyze(['--analyzers', 'schema.ValidationAnalyzer.VirtualService,schema.SchemaValidator']);
  const mesh = got.filter((f) => f.code.startsWith('IST'));
  assert.deepEqual(mesh.map((f) => [f.code, f.range.start.line, f.message]).sort(), [
    ['IST0130', 28, 'VirtualService rule #3 not used (only the last rule can have no matches).'],
    ['IST0131', 18, 'VirtualService rule "api-v2" match #0 of prefix /api/v2 is not used (duplicate/overlapping match in rule #0 of prefix /api on "api").'],
  ].sort());
  assert.equal(mesh[0].resource.friendly, 'VirtualService web/shop');
  // The schema issues are reported by the schema analyzer, once, and not repeated as IST0106/IST0133.
  assert.deepEqual(got.filter((f) => !f.code.startsWith('IST')).map((f) => [f.code, f.range.start.line]), [['SchemaType', 15], ['SchemaUnknownField', 24]]);
});

test('run on its own it reports the product\'s schema issues as Istio\'s IST0106 (errors) and IST0133 (warnings)', () => {
  const schema = analyze(['--analyzers', 'schema.SchemaValidator']);
  const alone = analyze(['--analyzers', 'schema.ValidationAnalyzer.VirtualService']);
  assert.ok(schema.some((f) => f.severity === 'Error'), 'the wrong type is an error');
  const asIstio = schema.map((f) => [f.severity === 'Error' ? 'IST0106' : 'IST0133', JSON.stringify(f.range), `Schema validation ${f.severity === 'Error' ? 'error' : 'warning'}: ${f.message}`]);
  const got = alone.filter((f) => f.code === 'IST0106' || f.code === 'IST0133').map((f) => [f.code, JSON.stringify(f.range), f.message]);
  assert.deepEqual(got.sort(), asIstio.sort());
  assert.equal(alone.length, schema.length + 2);
});
