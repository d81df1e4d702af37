// dist/server.js, the language server's entry: loads the server itself (dist/server-main.js) with its V8 code cache.
import * as path from 'node:path';
import { codeCacheDir, runWithCodeCache } from './codeCache';

runWithCodeCache(path.join(__dirname, 'server-main.js'), 'server', codeCacheDir());
