// Kubernetes minor versions ("1.N"), as the deprecated-API table and the kubernetesVersion setting use them.

/** "1.35", "v1.35" or "1.35.2" -> "1.35"; anything else -> undefined. */
export function normalizeKubernetesVersion(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const m = /^\s*v?(\d{1,3})\.(\d{1,4})(?:\.\d+)?\s*$/.exec(String(v));
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/** Compares two "major.minor" versions numerically (1.9 < 1.16); unparsable versions sort last. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  return pa[0] - pb[0] || pa[1] - pb[1];
}

function parse(v: string): [number, number] {
  const n = normalizeKubernetesVersion(v);
  if (!n) return [Infinity, Infinity];
  const [maj, min] = n.split('.').map(Number);
  return [maj, min];
}
