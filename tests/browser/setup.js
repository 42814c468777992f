'use strict';
// Before the browser stories: playwright-core as locked in package-lock.json (`npm ci` only when
// node_modules lacks that version; offline, an installed copy is used with a warning) and
// Debian's Chromium (scripts/install-deps.sh --test installs it). Exits non-zero when either
// is missing, so the stories never pass by not running.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const here = __dirname;
const chromium = process.env.CWC_CHROMIUM || '/usr/bin/chromium';
const wanted = require('./package-lock.json').packages['node_modules/playwright-core'].version;

function installed() {
  try {
    return JSON.parse(fs.readFileSync(path.join(here, 'node_modules/playwright-core/package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

if (installed() !== wanted) {
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: here, stdio: 'inherit' });
  if (r.status !== 0) {
    if (!installed()) {
      console.error(`npm ci failed and playwright-core ${wanted} is not installed in ${here}`);
      process.exit(1);
    }
    console.warn(`npm ci failed; using the installed playwright-core ${installed()} (lock: ${wanted})`);
  }
}
if (!fs.existsSync(chromium)) {
  console.error(`${chromium} is missing: run scripts/install-deps.sh --test (Debian's chromium)`);
  process.exit(1);
}
console.log(`playwright-core ${installed()}, ${chromium}`);
