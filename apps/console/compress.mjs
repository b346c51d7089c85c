// Brotli and gzip copies of the console's scripts and styles beside them (`x.js.br`, `x.js.gz`), written once at
// build time: the API's @fastify/static serves the copy a browser accepts (`preCompressed`), so no request
// compresses anything and the first visit downloads about a quarter of the bytes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export function compressAssets(dir) {
  let before = 0;
  let after = 0;
  for (const name of readdirSync(dir)) {
    if (!/\.(js|css|svg|json)$/.test(name)) continue;
    const body = readFileSync(join(dir, name));
    const br = brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
    writeFileSync(join(dir, `${name}.br`), br);
    writeFileSync(join(dir, `${name}.gz`), gzipSync(body, { level: 9 }));
    before += body.length;
    after += br.length;
  }
  return { before, after };
}
