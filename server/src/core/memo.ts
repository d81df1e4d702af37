// A memoised function of a string key whose cache is emptied when it reaches `limit` entries (so hostile or huge
// inputs cannot grow it without bound). Pure.
export function boundedMemo<V>(fn: (key: string) => V, limit: number): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const v = fn(key);
    if (cache.size >= limit) cache.clear();
    cache.set(key, v);
    return v;
  };
}
