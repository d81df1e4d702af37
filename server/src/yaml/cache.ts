// Parse cache keyed by uri + version. One instance is owned by whoever drives analysis (server or CLI), never a module singleton.
import { parseYaml, type ParsedFile } from './parse';

export class ParseCache {
  private readonly entries = new Map<string, { version: number; parsed: ParsedFile }>();

  get(uri: string, version: number, text: string): ParsedFile {
    const hit = this.entries.get(uri);
    if (hit && hit.version === version && hit.parsed.text === text) return hit.parsed;
    const parsed = parseYaml(text);
    this.entries.set(uri, { version, parsed });
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}
