'use strict';
// What the browser stories share: Debian's Chromium started through playwright-core, a fresh
// tab per officer that records dialogs, script errors and CSP violations, sign-in with a
// token, and the page checks (settled, fits a phone's width, screenshots). `use(browser, w)`
// gives it the stories' browser and world (tests/integration/desk_world.js).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const h = require('../integration/harness');

const CHROMIUM = process.env.CWC_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.CWC_DESK_SCREENSHOTS || h.make_tmpdir('desk-shots');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
let w;
let browser;

function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

function use(the_browser, the_world) {
  browser = the_browser;
  w = the_world;
}

// A fresh tab (its own sessionStorage) that records dialogs, script errors and console errors
// (a CSP violation is one); `problems()` lists them.
async function open_desk(viewport = DESKTOP, lang = 'en') {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: lang });
  const page = await context.newPage();
  const seen = { dialogs: [], errors: [] };
  page.on('dialog', (d) => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => seen.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(`console: ${m.text()}`); });
  await page.goto(`${w.gw.officers_url}/`);
  // The browser's locale picks the desk's language on a first visit.
  await page.waitForFunction((l) => document.documentElement.lang === l && document.querySelector('#sign-in') &&
    !document.querySelector('#main[aria-busy]'), lang);
  page.seen = seen;
  page.close_all = () => context.close();
  return page;
}

async function sign_in(page, token) {
  await page.fill('#token', token);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#sign-out:not([hidden]), #sign-in-problem:not([hidden])');
  if (await page.isVisible('#sign-in-problem')) {
    assert.fail(`not signed in: ${await page.textContent('#sign-in-problem')} ${JSON.stringify(page.seen)}`);
  }
  await settled(page);
}

// What a page must never show, whatever it did: expected 404s of refused media aside.
function assert_clean(page, allowed = []) {
  assert.deepEqual(page.seen.dialogs, [], 'no dialog opened');
  const errors = page.seen.errors.filter((e) => !allowed.some((re) => re.test(e)));
  assert.deepEqual(errors, [], 'no script error or CSP violation');
}

function settled(page) {
  return page.waitForFunction(() => document.querySelector('#main').children.length > 0 && !document.querySelector('#main[aria-busy]'));
}

async function listed_references(page) {
  await settled(page);
  await page.waitForSelector('#cases', { state: 'attached' });
  return page.$$eval('#cases .case-row', (rows) => rows.map((r) => r.dataset.reference));
}

// No sideways scrolling: the page fits the viewport's width.
async function assert_fits(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
}

async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `desk-${name}.png`), fullPage: false });
}

module.exports = {
  DESKTOP, PHONE, launch, use, open_desk, sign_in, assert_clean, settled, listed_references, assert_fits, shot,
};
