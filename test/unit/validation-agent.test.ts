// The shared ports of Istio's helpers (server/src/validation/agent.ts, networking-common.ts) where the two earlier copies
// disagreed: Go's time.ParseDuration (overflow is an error, fractions added through float64), CheckDNS1123Preconditions
// (len() counts UTF-8 bytes), validatePortSelector (an unset number is 0) and validateExportTo with no namespace in the
// file (the API server fills it in: nothing that depends on it is guessed). Through the real file analyzer where a
// finding's place matters.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { NEVER_CANCELLED, type Finding } from '../../server/src/core/types';
import { fqdnError, parseGoDuration, wildcardDomainError } from '../../server/src/validation/agent';
import { webhookValidationAnalyzer } from '../../server/src/validation/analyzer';
import { parseYaml } from '../../server/src/yaml/parse';

const webhook = (text: string): Finding[] => analyzeParsed('u', parseYaml(text), NEVER_CANCELLED, { analyzers: [webhookValidationAnalyzer] })!;

test("shared helpers: time.ParseDuration's overflow rules", () => {
  assert.equal(parseGoDuration('9223372036854775807ns'), 9223372036854775807n);
  assert.equal(parseGoDuration('9223372036854775808ns'), undefined);
  assert.equal(parseGoDuration('-9223372036854775808ns'), -9223372036854775808n);
  assert.equal(parseGoDuration('2562047h'), 2562047n * 3600000000000n);
  assert.equal(parseGoDuration('2562048h'), undefined); // v > 1<<63/unit
  assert.equal(parseGoDuration('2562047h48m'), undefined); // the sum passes 1<<63-1
  assert.equal(parseGoDuration('99999999999999999999s'), undefined); // leadingInt overflows
  for (const bad of ['1constructor', '1__proto__', '1toString', '1s ']) assert.equal(parseGoDuration(bad), undefined, bad);
  assert.equal(parseGoDuration('1.5µs'), 1500n);
});

test("shared helpers: time.ParseDuration adds a fraction as uint64(float64(f) * (float64(unit) / scale))", () => {
  // 3.6e12 / 1e14 is not exact in float64: Go's result is one nanosecond below the exact product
  assert.equal(parseGoDuration('0.52974709038000h'), 1907089525367n);
  assert.equal(parseGoDuration('0.52974709038h'), 1907089525368n); // 3.6e12 / 1e11 = 36 is exact
  // leadingFraction keeps accumulating up to 19 digits and ignores the rest
  assert.equal(parseGoDuration('0.12345678901234567899999s'), 123456789n);
});

test('shared helpers: CheckDNS1123Preconditions counts bytes, as Go does', () => {
  const name = `${'é'.repeat(128)}.com`; // 132 UTF-16 units, 260 bytes
  assert.equal(fqdnError(name), `domain name ${JSON.stringify(name)} too long (max 255)`);
  assert.equal(wildcardDomainError(name), `domain name ${JSON.stringify(name)} too long (max 255)`);
});

test('shared helpers: a VirtualService destination port without a number is port 0, reported on the port', () => {
  const text = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: web}
spec:
  hosts: [foo.bar]
  http:
  - route:
    - destination:
        host: foo.baz
        port: {}
`;
  const got = webhook(text).map((f) => [f.code, f.message, f.range.start.line]);
  assert.deepEqual(got, [['IST0106', 'port number 0 must be in the range 1..65535', 9]]);
});

test("shared helpers: a VirtualService's exportTo without a namespace in the file does not guess one", () => {
  const vs = (meta: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs${meta}}
spec:
  hosts: [foo.bar]
  exportTo: [".", default]
  http:
  - route:
    - destination: {host: foo.baz}
`;
  assert.deepEqual(webhook(vs('')), []); // applied with -n other, "." and default are different namespaces
  const got = webhook(vs(', namespace: default')).map((f) => [f.code, f.message, f.range.start.line]);
  assert.deepEqual(got, [['IST0106', 'duplicate entries in exportTo for entry default', 5]]); // "." came first
});
