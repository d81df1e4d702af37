// Shared by the graph tests: the demo workspace's routing config, read from disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addFile, emptyRouting, type RoutingConfig } from '../../src/graph/routing';

export const DEMO = path.resolve(__dirname, '../../../test/demo-workspace');

export function demoRouting(): RoutingConfig {
  const cfg = emptyRouting();
  for (const f of fs.readdirSync(DEMO, { recursive: true, encoding: 'utf8' }).filter((x) => /\.ya?ml$/.test(x)).sort()) {
    addFile(cfg, `file://${path.join(DEMO, f)}`, fs.readFileSync(path.join(DEMO, f), 'utf8'));
  }
  return cfg;
}
