// Benchmark helper: turns the compiled schemas (dist/schemas, Kubernetes OpenAPI v3 + Istio/Gateway API/OpenShift CRD
// structural schemas) into ONE draft-07 JSON Schema for yaml-language-server, so it validates the same kinds with the
// same structural rules: each document picks its kind's schema with if/then on apiVersion+kind. What JSON Schema can say
// is kept (types, null as our validator treats it, required unless defaulted, enums, patterns, ranges, lengths,
// int-or-string, quantities, unknown fields rejected where we reject them, list-type set uniqueness); what it cannot say
// (CEL rules, list-type map keys, ObjectMeta name rules) is left out, which only makes yaml-language-server's job lighter.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaFile, type SchemaNode } from '../../../server/src/schema';
import { branchProperties } from '../../../server/src/schema/validate';

interface Node {
  [k: string]: unknown;
  $ref?: number;
  type?: string;
  format?: string;
  nullable?: boolean;
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  items?: Node;
  oneOf?: Node[];
  anyOf?: Node[];
  allOf?: Node[];
  not?: Node;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minimum?: number;
  maximum?: number;
}

interface RawFile {
  gv: string;
  origin: 'builtin' | 'crd';
  kinds: Record<string, Node>;
  defs: Node[];
}

type Json = Record<string, unknown>;

const QUANTITY = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const COPY = ['description', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'multipleOf'];
const EMBEDDED_KEYS = ['apiVersion', 'kind', 'metadata'];

class Converter {
  readonly slug: string;
  private readonly file: SchemaFile;
  constructor(private readonly raw: RawFile) {
    this.slug = raw.gv.replace(/[^A-Za-z0-9]/g, '_');
    this.file = new SchemaFile(raw as unknown as ConstructorParameters<typeof SchemaFile>[0]);
  }
  private get builtin(): boolean {
    return this.raw.origin === 'builtin';
  }
  defName(i: number): string {
    return `${this.slug}.d${i}`;
  }
  /** Follows $refs with the product's own resolution (SchemaFile.resolve). */
  resolve(n: Node): Node {
    return this.file.resolve(n as unknown as SchemaNode) as unknown as Node;
  }
  /** Property names the oneOf/anyOf/allOf branches mention, as the validator computes them. */
  private branchKeys(s: Node): Set<string> {
    return branchProperties(this.file, s as unknown as SchemaNode);
  }

  convert(n: Node, strict: boolean): Json {
    if (n.$ref !== undefined) {
      const ref: Json = { $ref: `#/definitions/${this.defName(n.$ref)}` };
      if (n.allOf?.length) return { allOf: [ref, ...n.allOf.map((b) => this.convert(b, false))] };
      return ref;
    }
    const out: Json = {};
    for (const k of COPY) if (n[k] !== undefined) out[k] = n[k];
    const nullOk = this.builtin || !!n.nullable;
    let types: string[] | undefined;
    if (n['x-kubernetes-int-or-string']) types = ['integer', 'string'];
    else if (n.format === 'quantity' && !n.type) {
      types = ['string', 'number'];
      out.pattern = QUANTITY;
    } else if (n.type) types = [n.type];
    else if (n.properties || typeof n.additionalProperties === 'object') types = ['object'];
    if (types) out.type = nullOk ? [...types, 'null'] : types.length === 1 ? types[0] : types;
    if (n.format && n.format !== 'quantity') out.format = n.format;
    if (n.enum) out.enum = nullOk && !n.enum.includes(null) ? [...n.enum, null] : n.enum;
    if (n.pattern) {
      const src = jsPattern(n.pattern);
      if (src !== undefined) out.pattern = src;
    }
    if (n.minimum !== undefined) out[n.exclusiveMinimum ? 'exclusiveMinimum' : 'minimum'] = n.minimum;
    if (n.maximum !== undefined) out[n.exclusiveMaximum ? 'exclusiveMaximum' : 'maximum'] = n.maximum;
    if (n['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
    if (n.required?.length) {
      // Our validator (like the API server's defaulting) does not require a field that has a default.
      const req = n.required.filter((r) => {
        const p = n.properties?.[r];
        return !(p && this.resolve(p).default !== undefined);
      });
      if (req.length) out.required = req;
    }
    const props: Json = {};
    for (const [k, v] of Object.entries(n.properties ?? {})) props[k] = this.convert(v, strict);
    const ap = n.additionalProperties;
    const open = !!n['x-kubernetes-preserve-unknown-fields'] || ap === true;
    if (typeof ap === 'object') out.additionalProperties = this.convert(ap, strict);
    else if (strict && !open && types?.includes('object')) {
      for (const k of this.branchKeys(n)) if (!(k in props)) props[k] = {};
      if (n['x-kubernetes-embedded-resource']) for (const k of EMBEDDED_KEYS) if (!(k in props)) props[k] = {};
      out.additionalProperties = false;
    }
    if (Object.keys(props).length) out.properties = props;
    if (n.items) out.items = this.convert(n.items, strict);
    for (const c of ['oneOf', 'anyOf', 'allOf'] as const) {
      const list = n[c];
      if (list?.length) out[c] = list.map((b) => this.convert(b, false));
    }
    if (n.not) out.not = this.convert(n.not, false);
    return out;
  }
}

/** The validator's RE2 -> JavaScript conversion; patterns JavaScript cannot read are skipped (as the validator does). */
function jsPattern(src: string): string | undefined {
  const named = src.replace(/\(\?P</g, '(?<');
  try {
    new RegExp(named, 'u');
    return named;
  } catch {
    try {
      new RegExp(src);
      return src;
    } catch {
      return undefined;
    }
  }
}

/** Writes the combined schema to `out` and returns the number of apiVersion/kind pairs it covers. */
export function writeYamlLsSchema(schemaDir: string, out: string): { kinds: number; bytes: number } {
  const index = JSON.parse(fs.readFileSync(path.join(schemaDir, 'index.json'), 'utf8')) as { groupVersions: Record<string, { file: string }> };
  const definitions: Json = {};
  const allOf: Json[] = [];
  for (const [gv, entry] of Object.entries(index.groupVersions)) {
    const raw = JSON.parse(fs.readFileSync(path.join(schemaDir, entry.file), 'utf8')) as RawFile;
    const c = new Converter(raw);
    raw.defs.forEach((d, i) => (definitions[c.defName(i)] = c.convert(d ?? {}, true)));
    for (const [kind, root] of Object.entries(raw.kinds)) {
      const name = `${c.slug}.kind.${kind}`;
      definitions[name] = c.convert(root, true);
      allOf.push({
        if: { type: 'object', properties: { apiVersion: { const: gv }, kind: { const: kind } }, required: ['apiVersion', 'kind'] },
        then: { $ref: `#/definitions/${name}` },
      });
    }
  }
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Kubernetes + Istio (istio-workbench bench)', definitions, allOf };
  const text = JSON.stringify(schema);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  return { kinds: allOf.length, bytes: text.length };
}
