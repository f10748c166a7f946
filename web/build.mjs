// Bundles the script and styles of report.html (docs/report-html.md).
//
//   node build.mjs --modules DIR/node_modules --out DIR
//
// writes DIR/report.js (cytoscape.js's distributed build, then
// web/src/report.js) and DIR/report.css (web/src/report.css). libctix
// embeds both (src/lib/render/asset.c) and inlines them into every page,
// whose Content-Security-Policy admits them by their SHA-256. The build
// refuses any text that could end the inline element early ("</script",
// "</style", "<!--"), since the page inlines it verbatim.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error(`build.mjs: missing ${name} (usage: node build.mjs --modules DIR --out DIR)`);
    process.exit(2);
  }
  return process.argv[i + 1];
}

const modules = arg('--modules');
const out = arg('--out');

function read(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    console.error(`build.mjs: cannot read ${what} (${path}): ${e.message}`);
    process.exit(1);
  }
}

function check(name, text, forbidden) {
  const low = text.toLowerCase();
  for (const f of forbidden) {
    if (low.includes(f)) {
      console.error(`build.mjs: ${name} contains "${f}", which would break out of its inline element`);
      process.exit(1);
    }
  }
  if (text.includes('\0')) {
    console.error(`build.mjs: ${name} contains a NUL byte`);
    process.exit(1);
  }
}

// The library's own distributed build; its source map comment is dropped
// (the page makes no request, and the map is not shipped).
const lib = read(join(modules, 'cytoscape', 'dist', 'cytoscape.min.js'), 'cytoscape.js (run npm ci)')
  .replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n');
const app = read(join(here, 'src', 'report.js'), 'web/src/report.js');
const css = read(join(here, 'src', 'report.css'), 'web/src/report.css');

const js = `${lib.trimEnd()}\n;\n${app}`;
check('report.js', js, ['</script', '<!--', '<script']);
check('report.css', css, ['</style', '<!--']);

mkdirSync(out, { recursive: true });
// Written through a temporary file so an interrupted build leaves no half asset.
for (const [name, text] of [['report.js', js], ['report.css', css]]) {
  const dst = join(out, name);
  writeFileSync(`${dst}.tmp`, text);
  renameSync(`${dst}.tmp`, dst);
}
console.log(`build.mjs: report.js ${js.length} bytes, report.css ${css.length} bytes`);
