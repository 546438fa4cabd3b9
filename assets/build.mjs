// Bundle the designer scripts and styles into app/static/designer/ for the Flask app to serve.
import { rm } from 'node:fs/promises';

import * as esbuild from 'esbuild';

const OUT_DIR = new URL('../app/static/designer/', import.meta.url).pathname;

await rm(OUT_DIR, { recursive: true, force: true });
await esbuild.build({
  entryPoints: {
    modeler: 'src/modeler/index.js',
    list: 'src/pages/list.js',
    versions: 'src/pages/versions.js',
    designer: 'src/designer.css',
  },
  outdir: OUT_DIR,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: '@bpmn-io/properties-panel/preact',
  loader: { '.eot': 'file', '.svg': 'file', '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
  assetNames: 'fonts/[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'info',
});
