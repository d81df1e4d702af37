// Parse cache keyed by uri + version. One instance is owned by whoever drives analysis (server or CLI), never a module singleton.
import { parseYaml, type ParsedFile } from './parse';

export class ParseCache {
  private readonly entries = new Map<string, { version: number; parsed: ParsedFile }>();
  /**
   * Parses of files read from disk, by text, while anyone (the workspace index) still holds them: an editor opening such
   * a file, whatever its spelling of the uri, reuses the parse instead of parsing the same text again.
   */
  private readonly byText = new Map<string, WeakRef<ParsedFile>>();
  private readonly collected = new FinalizationRegistry<string>((text) => {
    if (!this.byText.get(text)?.deref()) this.byText.delete(text);
  });

  get(uri: string, version: number, text: string): ParsedFile {
    const hit = this.entries.get(uri);
    if (hit && hit.version === version && hit.parsed.text === text) return hit.parsed;
    const parsed = this.byText.get(text)?.deref() ?? parseYaml(text);
    this.entries.set(uri, { version, parsed });
    return parsed;
  }

  /** The parse of a file's text read from disk (not an open document): shared with an editor that opens the same text. */
  parseFile(text: string): ParsedFile {
    const known = this.byText.get(text)?.deref();
    if (known) return known;
    const parsed = parseYaml(text);
    this.byText.set(text, new WeakRef(parsed));
    this.collected.register(parsed, text);
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}
