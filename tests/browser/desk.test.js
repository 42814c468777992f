'use strict';
// The officers' desk in a real headless Chromium (Debian's, driven by playwright-core) against
// the real gateway and a fake Twilio: each role signs in with its token and sees only what it
// may (the focal point the sensitive case, the AAP officer not, the broadcaster no case at
// all); a case is acknowledged and answered from its page and the answer reaches the provider,
// another assigned and flagged sensitive leaves the officer's inbox for the focal point's;
// attachments play and show (blob: and data: URLs, as the CSP allows); the reports show
// figures, charts and suppressed small counts; the export downloads as a file; an SMS that is
// an HTML injection shows as text and runs nothing. Every page is watched for script errors and CSP violations. Screenshots go
// to CWC_DESK_SCREENSHOTS (a folder; docs/ for the README's) or a temporary folder.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('../integration/harness');
const { start_world, texts } = require('../integration/desk_world');
const {
  DESKTOP, PHONE, launch, use, open_desk, sign_in, assert_clean, listed_references, assert_fits, shot,
} = require('./desk_page');

let w;
let browser;

before(async () => {
  w = await start_world('browser', { more: 8 });
  browser = await launch();
  use(browser, w);
});

after(async () => {
  if (browser) await browser.close();
  if (w) await w.close();
});

test('sign-in: a wrong token is refused on the page and nothing is kept', async () => {
  const page = await open_desk();
  await page.fill('#token', 'cwc_not-a-token');
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#sign-in-problem:not([hidden])');
  assert.match(await page.textContent('#sign-in-problem'), /unknown, expired or revoked/);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert_clean(page, [/401/]);
  await page.close_all();
});

test('an AAP officer sees its organisation\'s cases, not the sensitive one nor another organisation\'s', async () => {
  const page = await open_desk();
  await sign_in(page, w.tokens.officer);
  assert.match(await page.textContent('#who'), /Lucía Rojas · AAP officer/);
  const refs = await listed_references(page);
  for (const c of ['documents', 'arabic', 'injection']) assert.ok(refs.includes(w.cases[c].reference), `${c} listed`);
  assert.ok(!refs.includes(w.cases.sensitive.reference), 'the sensitive case is not listed');
  assert.ok(!refs.includes(w.cases.suggestion.reference), 'another organisation\'s case is not listed');
  assert.equal(await page.$('#filter-sensitive'), null, 'no sensitive filter for this role');
  const arabic = page.locator(`.case-row[data-reference="${w.cases.arabic.reference}"] .description`);
  assert.equal(await arabic.getAttribute('dir'), 'auto');
  assert.equal(await arabic.evaluate((n) => getComputedStyle(n).direction), 'rtl', 'Arabic text runs right to left');
  // The page refuses the sensitive case's address as the API does.
  await page.goto(`${w.gw.officers_url}/desk/#/case/${w.cases.sensitive.reference}`);
  await page.waitForSelector('#view-problem');
  assert.match(await page.textContent('#view-problem'), /no such case/);
  assert.ok(!(await page.content()).includes(texts.sensitive), 'nothing of its text');
  assert_clean(page, [/404/]);
  await page.close_all();
});

test('the protection focal point sees the sensitive case; filters narrow the list', async () => {
  const page = await open_desk();
  await sign_in(page, w.tokens.focal);
  const refs = await listed_references(page);
  assert.ok(refs.includes(w.cases.sensitive.reference), 'the sensitive case is listed');
  await page.selectOption('#filter-sensitive', 'only');
  await page.waitForFunction(() => document.querySelectorAll('#cases .case-row').length === 1);
  assert.deepEqual(await listed_references(page), [w.cases.sensitive.reference]);
  await page.selectOption('#filter-sensitive', '');
  await page.selectOption('#filter-type', 'complaint');
  await page.selectOption('#filter-category', 'gbv');
  await page.waitForFunction(() => document.querySelectorAll('#cases .case-row').length === 1);
  assert.deepEqual(await listed_references(page), [w.cases.sensitive.reference], 'by category, from the config\'s choices');
  await page.selectOption('#filter-status', 'closed');
  await page.waitForSelector('#inbox-note:has-text("No cases match")');
  assert.deepEqual(await listed_references(page), []);
  assert_clean(page);
  await page.close_all();
});

test('a broadcaster sees no case and no case report; an auditor reports only', async () => {
  const page = await open_desk();
  await sign_in(page, w.tokens.broadcaster);
  await page.waitForSelector('#no-cases');
  assert.equal(await page.$('#cases'), null);
  assert.equal(await page.isHidden('#nav-inbox'), true);
  assert.equal(await page.isHidden('#nav-reports'), true);
  for (const c of Object.values(w.cases)) assert.ok(!(await page.content()).includes(c.reference));
  await page.goto(`${w.gw.officers_url}/desk/#/reports`);
  await page.waitForSelector('#no-reports');
  assert_clean(page);
  await page.close_all();

  const auditor = await open_desk();
  await sign_in(auditor, w.tokens.auditor);
  await auditor.waitForSelector('#reports #figure-total');
  assert.equal(await auditor.$('#cases'), null);
  assert.equal(await auditor.$('#export'), null, 'no export button for the auditor');
  assert_clean(auditor);
  await auditor.close_all();
});

test('an officer opens a case, hears and sees its attachments, acknowledges and answers it; the answer reaches the person', async () => {
  const page = await open_desk();
  await sign_in(page, w.tokens.officer);
  await page.click(`.case-row[data-reference="${w.cases.documents.reference}"] a.reference`);
  await page.waitForSelector('#case #conversation');
  assert.equal(await page.textContent('#case-reference'), w.cases.documents.reference);
  await page.waitForSelector('#conversation audio[src^="blob:"]');
  await page.waitForSelector('#conversation img[src^="data:image/png;base64,"]');
  await page.waitForFunction(() => document.querySelector('#conversation img').naturalWidth === 120);
  await shot(page, 'case');
  await page.setViewportSize(PHONE);
  await assert_fits(page);
  await shot(page, 'case-phone');
  await page.setViewportSize(DESKTOP);

  await page.click('#act-acknowledge');
  await page.waitForSelector('#action-outcome:not([hidden]):has-text("Done")');
  assert.match(await page.textContent('.facts'), /Acknowledged/);
  const answer = `Hola, su CPP está en trámite; acérquese el lunes a la oficina (${process.pid}).`;
  await page.fill('#answer-text', answer);
  await page.click('#act-respond');
  await page.waitForSelector('#action-outcome:not([hidden]):has-text("Done")');
  const sent = await h.wait_for(() => w.fake.sent.find((m) => m.to === w.numbers.documents && m.body.includes(answer)), 15000, 'the answer at the provider');
  assert.ok(sent, 'the fake Twilio received the answer');
  const row = w.gw.db.one(`select status from cases where reference = ${h.sql_string(w.cases.documents.reference)}`);
  assert.equal(row.status, 'responded');
  await page.reload();
  await page.waitForSelector(`#conversation .message.out:has-text("${answer}")`);
  assert.ok(w.gw.db.count(`select count(*) from audit_log where action = 'media.read' and actor = 'officer:Lucía Rojas'`) >= 2, 'the attachment reads are audited');
  assert_clean(page);
  await page.close_all();
});

test('an officer assigns a case to herself and flags it sensitive: it leaves her inbox and reaches the focal point', async () => {
  const ref = w.cases.arabic.reference;
  const page = await open_desk();
  await sign_in(page, w.tokens.officer);
  await page.click(`.case-row[data-reference="${ref}"] a.reference`);
  await page.waitForSelector('#case #assign-officer');
  assert.equal(await page.inputValue('#assign-officer'), 'Lucía Rojas');
  await page.click('#act-assign');
  await page.waitForSelector('#action-outcome:not([hidden]):has-text("Done")');
  assert.match(await page.textContent('.facts'), /Assigned to\s*Lucía Rojas/);
  await page.fill('#action-note', 'habla de violencia en la llamada');
  await page.click('#act-flag');
  await page.waitForSelector('#inbox');
  assert.ok(!(await listed_references(page)).includes(ref), 'gone from the officer\'s inbox');
  const row = w.gw.db.one(`select sensitive, assigned_to from cases where reference = ${h.sql_string(ref)}`);
  assert.equal(Number(row.sensitive), 1);
  assert.equal(row.assigned_to, 'Lucía Rojas');
  assert_clean(page);
  await page.close_all();

  const focal = await open_desk();
  await sign_in(focal, w.tokens.focal);
  assert.ok((await listed_references(focal)).includes(ref), 'the focal point sees it');
  await focal.click(`.case-row[data-reference="${ref}"] a.reference`);
  await focal.waitForSelector('#act-unflag');
  assert.match(await focal.textContent('#history'), /flagged sensitive/);
  assert_clean(focal);
  await focal.close_all();
});

test('a referral: sharing the number without the person\'s consent is refused on the page, with it done', async () => {
  const ref = w.more_cases[0].reference;
  const page = await open_desk();
  await sign_in(page, w.tokens.officer);
  await page.goto(`${w.gw.officers_url}/desk/#/case/${ref}`);
  await page.waitForSelector(`#case[data-reference="${ref}"] #act-refer`);
  assert.deepEqual(await page.$$eval('#refer-organisation option', (os) => os.map((o) => o.value)), ['union_venezolana'],
    'the other organisations of the config');
  await page.selectOption('#refer-organisation', 'union_venezolana');
  await page.selectOption('#refer-service', 'migraciones_desk_lima');
  await page.check('#refer-share');
  await page.click('#act-refer');
  await page.waitForSelector('#action-outcome.problem:not([hidden])');
  assert.match(await page.textContent('#action-outcome'), /Not done: .*consent/);
  assert.equal(w.gw.db.one(`select status from cases where reference = ${h.sql_string(ref)}`).status, 'new');
  await page.check('#refer-consent');
  await page.click('#act-refer');
  await page.waitForSelector('#action-outcome:not([hidden]):has-text("Done")');
  const cfg = h.load_config(w.gw.config);
  const org_name = cfg.organisations.find((o) => o.id === 'union_venezolana').name.en;
  const service_name = cfg.services.find((x) => x.id === 'migraciones_desk_lima').name.en;
  assert.ok((await page.textContent('.facts')).includes(`Referred to${org_name} · ${service_name}`), 'the referral by name');
  const row = w.gw.db.one(`select status, referred_organisation, referred_service, contact_shared from cases where reference = ${h.sql_string(ref)}`);
  assert.deepEqual([row.status, row.referred_organisation, row.referred_service, Number(row.contact_shared)],
    ['referred', 'union_venezolana', 'migraciones_desk_lima', 1]);
  assert_clean(page, [/422/]);
  await page.close_all();
});

test('an SMS that is HTML shows as text and runs nothing', async () => {
  const page = await open_desk();
  await sign_in(page, w.tokens.officer);
  const row = page.locator(`.case-row[data-reference="${w.cases.injection.reference}"] .description`);
  assert.equal(await row.textContent(), texts.injection);
  assert.equal(await page.locator('#cases img').count(), 0);
  await row.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  await page.click(`.case-row[data-reference="${w.cases.injection.reference}"] a.reference`);
  await page.waitForSelector('#case #conversation');
  assert.equal(await page.textContent('#case .lead'), texts.injection);
  const shown = await page.$$eval('#conversation .message.in .text', (ps) => ps.map((p) => p.textContent));
  assert.ok(shown.includes(texts.injection), 'the message as the characters sent');
  assert.equal(await page.locator('img').count(), 0, 'no img element anywhere on the page');
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert_clean(page);
  await page.close_all();
});

test('reports: figures, charts, small counts as "<5"; the export downloads as a CSV without numbers', async () => {
  const page = await open_desk();
  await sign_in(page, w.tokens.admin);
  await page.goto(`${w.gw.officers_url}/desk/#/reports`);
  await page.waitForSelector('#reports #figure-total');
  const total = await page.textContent('#figure-total .value');
  assert.equal(total, '11', 'every non-sensitive case of the story, of both organisations (one flagged above)');
  assert.equal(await page.textContent('#figure-sensitive .value'), '<5', 'the two sensitive cases apart, suppressed');
  await page.waitForSelector('#by-category table');
  const cells = await page.$$eval('#by-category td.suppressed', (tds) => tds.map((td) => td.textContent));
  assert.ok(cells.length > 0 && cells.every((c) => c === '<5'), `small categories shown as <5: ${cells}`);
  assert.ok(await page.$eval('#by-category canvas', (c) => c.width > 0 && c.height > 0), 'a chart is drawn');
  assert.equal(await page.evaluate(() => typeof window.Chart), 'function', 'Chart.js loaded from the gateway');
  const breakdowns = await page.$$eval('.breakdown', (sections) => sections.map((b) => ({
    id: b.id, canvas: !!b.querySelector('canvas'), note: !!b.querySelector('.no-chart'),
    shown: [...b.querySelectorAll('td:last-child')].filter((td) => !td.classList.contains('suppressed')).length })));
  assert.ok(breakdowns.length >= 4, 'a breakdown per dimension');
  for (const b of breakdowns) {
    assert.equal(b.canvas, b.shown > 0, `${b.id}: a chart exactly when some count is shown`);
    assert.equal(b.note, b.shown === 0, `${b.id}: "no chart" when every count is small`);
  }
  assert.ok(breakdowns.some((b) => b.note), 'some breakdown with small counts only');
  assert.match(await page.textContent('#figure-respond .value'), /hidden|—/, 'a figure on too few cases is hidden');
  await shot(page, 'reports');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.equal(download.suggestedFilename(), 'cases.csv');
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /reference/);
  assert.ok(csv.includes(w.cases.documents.reference), 'a case in the export');
  assert.ok(!csv.includes(w.cases.sensitive.reference), 'never a sensitive row');
  for (const n of Object.values(w.numbers)) assert.ok(!csv.includes(n) && !csv.includes(n.slice(1)), 'no phone number');
  await page.setViewportSize(PHONE);
  await assert_fits(page);
  await shot(page, 'reports-phone');
  assert_clean(page);
  await page.close_all();
});

test('the inbox in Spanish, on a desktop and a phone', async () => {
  const page = await open_desk(DESKTOP, 'es');
  await sign_in(page, w.tokens.officer);
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  assert.equal(await page.textContent('#inbox h1'), 'Bandeja');
  await shot(page, 'inbox');
  await page.setViewportSize(PHONE);
  await assert_fits(page);
  await shot(page, 'inbox-phone');
  assert_clean(page);
  await page.close_all();
});

test('every status the workflow has, and the feedback codes of the case\'s category, are set from the case page', async () => {
  const ref = w.more_cases[1].reference;
  const page = await open_desk();
  await sign_in(page, w.tokens.officer);
  await page.goto(`${w.gw.officers_url}/desk/#/case/${ref}`);
  await page.waitForSelector(`#case[data-reference="${ref}"] #set-status`);
  assert.deepEqual(await page.$$eval('#set-status option', (os) => os.map((o) => o.value)),
    ['new', 'acknowledged', 'in_progress', 'referred', 'responded', 'closed', 'reopened']);
  await page.selectOption('#set-status', 'in_progress');
  await page.click('#act-status');
  await page.waitForSelector('#action-outcome:not([hidden]):has-text("Done")');
  assert.match(await page.textContent('.facts'), /In progress/);
  const codes = await page.$$eval('#codes input', (boxes) => boxes.map((b) => b.value));
  assert.ok(codes.length >= 2, `the category's codes offered: ${codes}`);
  await page.check(`#codes input[value="${codes[1]}"]`);
  await page.click('#act-codes');
  await page.waitForSelector('#action-outcome:not([hidden]):has-text("Done")');
  assert.equal(await page.isChecked(`#codes input[value="${codes[1]}"]`), true, 'drawn again with the code');
  for (const [to, shown] of [['closed', /Closed/], ['reopened', /Reopened/]]) {
    await page.selectOption('#set-status', to);
    await page.click('#act-status');
    await page.waitForSelector(`#action-outcome:not([hidden]):has-text("Done")`);
    assert.match(await page.textContent('.facts'), shown);
  }
  const row = w.gw.db.one(`select status, codes from cases where reference = ${h.sql_string(ref)}`);
  assert.deepEqual([row.status, row.codes], ['reopened', codes[1]]);
  assert.deepEqual(w.gw.db.query(`select to_status from case_events where action = 'status' and case_id =
    (select id from cases where reference = ${h.sql_string(ref)}) order by id`).map((e) => e.to_status),
  ['in_progress', 'closed', 'reopened']);
  assert_clean(page);
  await page.close_all();
});

test('the inbox refreshes itself: a new complaint appears, the filters and the scroll stay', async () => {
  const page = await open_desk(PHONE);
  await page.evaluate(() => sessionStorage.setItem('cwc.desk.refresh_ms', '700'));
  await sign_in(page, w.tokens.officer);
  await page.selectOption('#filter-status', 'new');
  await page.waitForFunction(() => [...document.querySelectorAll('#cases .status')].every((s) => s.className.includes('status-new')));
  const before = await listed_references(page);
  await page.evaluate(() => window.scrollTo(0, 400));
  const y = await page.evaluate(() => window.scrollY);
  assert.ok(y > 0, 'the phone\'s list scrolls');
  const filed = await w.file_complaint(`Nadie contesta el teléfono de la oficina (${process.pid})`);
  await page.waitForSelector(`.case-row[data-reference="${filed.reference}"]`, { timeout: 10000 });
  assert.equal(await page.inputValue('#filter-status'), 'new', 'the filter kept');
  assert.equal(await page.evaluate(() => window.scrollY), y, 'the scroll kept');
  const after_refresh = await listed_references(page);
  assert.deepEqual(after_refresh.filter((r) => r !== filed.reference), before, 'the same cases besides the new one');
  assert_clean(page);
  await page.close_all();
});

test('Arabic on the case page runs right to left and keeps the layout, on a phone too', async () => {
  const ref = w.cases.arabic.reference;  // flagged sensitive above: the focal point's now
  const page = await open_desk();
  await sign_in(page, w.tokens.focal);
  await page.goto(`${w.gw.officers_url}/desk/#/case/${ref}`);
  await page.waitForSelector(`#case[data-reference="${ref}"] #conversation`);
  for (const viewport of [{ width: 1280, height: 860 }, PHONE]) {
    await page.setViewportSize(viewport);
    const shown = await page.evaluate((text) => {
      const nodes = [...document.querySelectorAll('#case .lead, #conversation .message.in .text')]
        .filter((n) => n.textContent === text);
      return nodes.map((n) => {
        const box = n.getBoundingClientRect();
        const card = n.closest('.card, article').getBoundingClientRect();
        return { dir: getComputedStyle(n).direction, align: getComputedStyle(n).textAlign, inside: box.left >= card.left - 1 &&
          box.right <= card.right + 1, width: box.width };
      });
    }, texts.arabic);
    assert.ok(shown.length >= 2, 'the description and the message');
    for (const s of shown) {
      assert.equal(s.dir, 'rtl', 'computed direction rtl');
      assert.ok(s.inside && s.width > 0, `inside its card at ${viewport.width}px`);
    }
    assert.equal(await page.getAttribute('html', 'dir'), 'ltr', 'the desk itself stays left to right');
    await assert_fits(page);
  }
  await shot(page, 'case-arabic-phone');
  assert_clean(page);
  await page.close_all();
});
