// A bundle's sources keep their own address: esbuild gives every module of a bundle the bundle's
// `import.meta.url`, while the sources find files beside them by theirs (the dashboard its page, a
// benchmark its script, the replication pool its threads' entry). Used by the builds of dist/cli/ and
// of `npm run bench`'s bundle.
import { relative, sep } from 'node:path';

/**
 * The expression rewritten, written in pieces: this file is bundled into dist/cli/ too, where the
 * expression written whole, even in a string, would be rewritten.
 */
const IMPORT_META_URL = ['import', 'meta', 'url'].join('.');

/**
 * The source `contents` of the file at `path` with `import.meta.url` meaning that file's address, in
 * a bundle written to the folder `outDir` whose own address is the expression `ownUrl` (default: its
 * `import.meta.url`).
 */
export function withSourceUrl(
  contents: string,
  path: string,
  outDir: string,
  ownUrl = IMPORT_META_URL,
): string {
  const fromOutput = relative(outDir, path).split(sep).join('/');
  return contents.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(fromOutput)}, ${ownUrl}).href`);
}
