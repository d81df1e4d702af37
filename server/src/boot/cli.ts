// dist/cli.js, the `istio-workbench` command: runs the CLI itself (dist/cli-main.js) with its V8 code cache.
import * as path from 'node:path';
import { codeCacheDir, runWithCodeCache } from './codeCache';

runWithCodeCache(path.join(__dirname, 'cli-main.js'), 'cli', codeCacheDir());
