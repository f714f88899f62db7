/**
 * Builds the web console (docs/CONSOLE.md): type-checks the browser sources under console/ and
 * bundles them with esbuild (Preact, uPlot and its CSS included) into dist/console/, which every
 * broker serves at `/`. Nothing is fetched at run time. Run by `npm run build` / `make build`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(process.cwd());
const out = join(root, 'dist/console');

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'console/tsconfig.json')], { stdio: 'inherit' });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'console/main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  logLevel: 'warning',
});
// One stylesheet: uPlot's, then the console's.
writeFileSync(join(out, 'app.css'), readFileSync(join(root, 'node_modules/uplot/dist/uPlot.min.css'), 'utf8') + '\n' + readFileSync(join(root, 'console/style.css'), 'utf8'));
copyFileSync(join(root, 'console/index.html'), join(out, 'index.html'));
copyFileSync(join(root, 'console/favicon.svg'), join(out, 'favicon.svg'));
