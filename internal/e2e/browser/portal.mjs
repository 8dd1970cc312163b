// Drives the Switchboard portal in Debian's Chromium with playwright-core.
// Run by `go test ./internal/e2e -run TestBrowser`, which starts the server
// and passes BASE (its URL), DOMAIN, ADMIN_USER, ADMIN_PASSWORD and
// ARTIFACTS (where screenshots go). Any console error fails the run.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const base = process.env.BASE;
const domain = process.env.DOMAIN;
const artifacts = process.env.ARTIFACTS;
mkdirSync(artifacts, { recursive: true });

const consoleErrors = [];
let shot = 0;
let page;

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
}

// Every page state the test shows is checked by axe-core (WCAG 2.x A and
// AA rules): no violation is allowed.
async function axe(where) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const found = r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  check(r.passes.length > 0, `${where}: axe checked nothing`);
  check(found.length === 0, `${where}: axe: ${found.join(' | ')}`);
}

// saved checks that a form was saved, naming the marked fields if not.
async function expectSaved(what) {
  const errs = await page.locator('.field-error').allInnerTexts();
  check(errs.length === 0 && await page.getByRole('status').first().innerText() === 'Saved.', what + ': ' + errs.join(' | '));
}

// readme saves what the browser shows (not the whole page) for the README.
async function readme(name, locator) {
  mkdirSync(join(artifacts, 'readme'), { recursive: true });
  const path = join(artifacts, 'readme', name + '.png');
  if (locator) await locator.screenshot({ path });
  else await page.screenshot({ path });
}

async function snap(name) {
  await axe(name);
  shot++;
  await page.screenshot({ path: join(artifacts, String(shot).padStart(2, '0') + '-' + name + '.png'), fullPage: true });
}

// Every visible form control has a name a screen reader reads out.
async function checkLabels(where) {
  const unlabeled = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea, button')) {
      if (el.type === 'hidden') continue;
      const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') ||
        (el.tagName === 'BUTTON' && el.textContent.trim() !== '');
      if (!named) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
  check(unlabeled.length === 0, `${where}: controls without a label: ${unlabeled.join(' | ')}`);
}

function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const n = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(n % 1000000).padStart(6, '0');
}

async function signIn(user, password, dom) {
  await page.goto(base + '/login');
  await page.getByLabel('Username or email').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Company domain').fill(dom);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// attackPage is the attacker's page: it posts to the portal as soon as it
// loads, then says so in its title.
function attackPage() {
  return `<!doctype html><title>attack</title>
<form id="f" method="post" action="${base}/users/new" enctype="multipart/form-data" target="sink">
<input name="name" value="mallory"><input name="email" value="mallory@${domain}"><input name="extension_number" value="399">
<input name="password" value="Mallory-pass-1"></form><iframe name="sink"></iframe>
<script>
const fd = (o) => { const f = new FormData(); for (const k in o) f.append(k, o[k]); return f; };
Promise.allSettled([
  fetch('${base}/groups', { method: 'POST', mode: 'no-cors', credentials: 'include', body: fd({ name: 'evil' }) }),
  fetch('${base}/me/apikeys', { method: 'POST', mode: 'no-cors', credentials: 'include', body: fd({ name: 'backdoor' }) }),
]).then(() => { document.getElementById('f').submit(); document.querySelector('iframe').onload = () => { document.title = 'done'; }; });
</script>`;
}

async function crossOriginAttack() {
  const evil = createServer((req, res) => { res.setHeader('Content-Type', 'text/html'); res.end(attackPage()); });
  await new Promise((ok) => evil.listen(0, '127.0.0.1', ok));
  const errorsBefore = consoleErrors.length;
  try {
    await page.goto(`http://127.0.0.1:${evil.address().port}/`);
    await page.waitForFunction(() => document.title === 'done', null, { timeout: 20000 });
  } finally {
    evil.close();
  }
  consoleErrors.length = errorsBefore; // the refused requests' 403s are expected
  await page.goto(base + '/users?search=mallory');
  check((await page.locator('#count').innerText()) === 'No users match.', 'a cross-origin form created a user');
  await page.goto(base + '/groups');
  check(!(await page.content()).includes('evil'), 'a cross-origin fetch created a group');
  await page.goto(base + '/me');
  check(!(await page.content()).includes('backdoor'), 'a cross-origin fetch created an API key');
  await page.goto(base + '/users');
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text() + ' at ' + msg.location().url); });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));

  // Keyboard: the first Tab reaches the skip link.
  await page.goto(base + '/login');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.textContent) === 'Skip to content', 'skip link first in tab order');
  await checkLabels('sign-in');

  // 1. Sign in (a wrong password first).
  await signIn(process.env.ADMIN_USER, 'wrong-password', domain);
  check(await page.getByRole('alert').innerText() === 'The username or password is not right.', 'wrong password message');
  await signIn(process.env.ADMIN_USER, process.env.ADMIN_PASSWORD, domain);
  await page.waitForURL(base + '/users');
  await snap('users');
  await checkLabels('users');
  check((await page.locator('#count').innerText()).startsWith('Users 1–'), 'user count shown');

  // A page on another port of the same host (the same site, so the
  // SameSite=Strict cookies go along) tries to act through the admin's
  // browser: a multipart form that submits itself and two no-cors fetches.
  // Each is refused and nothing changes.
  await crossOriginAttack();

  // Search and sort.
  await page.getByLabel('Search users').fill('zed');
  await page.getByRole('button', { name: 'Search' }).click();
  check((await page.locator('#count').innerText()) === 'No users match.', 'search without match');
  await page.getByLabel('Search users').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Username' }).click();
  check(await page.locator('th[aria-sort="ascending"]').innerText() === 'Username', 'sorted by username');

  // 2. Add a user: a bad extension first, then right; the password is generated.
  await page.getByRole('link', { name: 'Add user' }).click();
  await checkLabels('add user');
  await page.getByLabel('First name').fill('Dora');
  await page.getByLabel('Last name').fill('Diaz');
  await page.getByLabel('Extension').fill('30x');
  await page.getByLabel('Username').fill('dora');
  await page.getByLabel('Email').fill('dora@' + domain);
  await page.getByRole('button', { name: 'Add user' }).click();
  check(await page.getByLabel('Extension').getAttribute('aria-invalid') === 'true', 'extension marked invalid');
  check((await page.locator('#extension_number-error').innerText()).length > 0, 'extension error shown');
  await snap('add-user-error');
  await page.getByLabel('Extension').fill('301');
  await page.getByRole('button', { name: 'Add user' }).click();
  const initial = await page.locator('#initial-password').innerText();
  check(initial.length >= 12, 'generated password shown');
  await snap('add-user-done');

  // 3. Edit forwarding: a bad number is refused inline, a good one saved.
  await page.getByRole('link', { name: "Edit the user's settings" }).click();
  await checkLabels('edit user');
  const calls = page.locator('section#calls');
  const rule = calls.locator('#f-available-office-hours-forward-rule');
  await rule.getByLabel('Action').selectOption('FORWARD_TO_NUMBER');
  await rule.getByLabel('Number').fill('call me');
  await calls.getByRole('button', { name: 'Save Calls and forwarding' }).click();
  check(await page.getByRole('alert').first().innerText() === 'Nothing was saved: see the marked fields.', 'forwarding refused');
  await snap('forwarding-error');
  // A StandardUser may not call abroad, so may not forward there either.
  const ruleIntl = page.locator('section#calls #f-available-office-hours-forward-rule');
  await ruleIntl.getByLabel('Action').selectOption('FORWARD_TO_NUMBER');
  await ruleIntl.getByLabel('Number').fill('+442071234567');
  await page.locator('section#calls').getByRole('button', { name: 'Save Calls and forwarding' }).click();
  check(await page.getByRole('alert').first().innerText() === 'Nothing was saved: see the marked fields.', 'international forward refused');
  const why = await page.locator('section#calls').innerText();
  check(why.includes("role does not allow international calls"), 'the reason is shown: ' + why.slice(0, 300));
  await snap('forwarding-refused-international');
  const rule2 = page.locator('section#calls #f-available-office-hours-forward-rule');
  await rule2.getByLabel('Action').selectOption('FORWARD_TO_NUMBER');
  await rule2.getByLabel('Number').fill('+33611111111');
  await page.locator('section#calls').getByRole('button', { name: 'Save Calls and forwarding' }).click();
  check(await page.getByRole('status').first().innerText() === 'Saved.', 'forwarding saved');
  const saved = page.locator('section#calls #f-available-office-hours-forward-rule');
  check(await saved.getByLabel('Number').inputValue() === '+33611111111', 'number kept');
  check(await saved.getByLabel('Action').inputValue() === 'FORWARD_TO_NUMBER', 'action kept');
  await snap('forwarding-saved');

  // 3b. Office hours as a week grid and custom rules as rows: no JSON.
  check(await page.locator('textarea').count() === 0 || !(await page.content()).includes('JSON'), 'no JSON text boxes');
  const week = page.locator('section#hours fieldset#f-office-hours');
  await week.locator('#f-office-hours-mode').selectOption('CUSTOM');
  await week.getByRole('checkbox', { name: 'Monday open' }).check();
  await week.getByRole('textbox', { name: 'Monday hours' }).fill('9:00-12:00, 13:00-17:00');
  await week.getByRole('textbox', { name: 'Tuesday hours' }).fill('nine to five');
  await page.locator('section#hours').getByRole('button', { name: 'Save Office hours and custom rules' }).click();
  check((await page.locator('#f-office-hours-tuesday-error').innerText()).includes('is not a time range'), 'a bad range is named');
  const shown = page.locator('section#hours fieldset#f-office-hours');
  check(await shown.getByRole('textbox', { name: 'Monday hours' }).inputValue() === '09:00-12:00, 13:00-17:00', 'good hours kept');
  check(await shown.getByRole('textbox', { name: 'Tuesday hours' }).inputValue() === 'nine to five', 'bad hours kept as typed');
  await snap('office-hours-error');
  await page.locator('section#hours fieldset#f-office-hours').getByRole('textbox', { name: 'Tuesday hours' }).fill('09:00-17:00');
  const add = page.locator('section#hours fieldset#f-custom-forward-rules-0');
  check((await add.locator(':scope > legend').innerText()) === 'Add one', 'an empty row adds a rule');
  await add.getByLabel('Action').selectOption({ label: 'Hang up' });
  await add.getByLabel('Caller ID').fill('+33122334455');
  await add.getByLabel('Type').selectOption({ label: 'At all hours' });
  await page.locator('section#hours').getByRole('button', { name: 'Save Office hours and custom rules' }).click();
  await expectSaved('hours and rule saved');
  check(await page.locator('section#hours fieldset#f-office-hours').getByRole('textbox', { name: 'Monday hours' }).inputValue() === '09:00-12:00, 13:00-17:00', 'hours kept');
  const rule1 = page.locator('section#hours fieldset#f-custom-forward-rules-0');
  check(await rule1.getByLabel('Caller ID').inputValue() === '+33122334455', 'rule kept');
  check(await page.locator('section#hours fieldset#f-custom-forward-rules-1 > legend').innerText() === 'Add one', 'a new empty row');
  await snap('call-handling');
  await readme('call-handling', page.locator('section#calls'));
  await rule1.getByLabel('Remove').check();
  await page.locator('section#hours').getByRole('button', { name: 'Save Office hours and custom rules' }).click();
  await expectSaved('rule removed');
  check(await page.locator('section#hours fieldset#f-custom-forward-rules-0 > legend').innerText() === 'Add one', 'rule gone');

  // 3c. A desk phone added by MAC address and model, then provisioned.
  await page.getByLabel('MAC address').fill('00:15:65:12:34:56');
  await page.getByLabel('Model').selectOption({ label: 'Yealink T54W' });
  await page.getByRole('button', { name: 'Add phone' }).click();
  await page.getByRole('button', { name: 'Provision the phone 00:15:65:12:34:56' }).click();
  check((await page.locator('#provision-password').innerText()).length >= 16, 'provisioning password shown once');
  await snap('desk-phone-provisioned');

  // 4. Import a file with one bad row, read the report, fix it, import.
  const bad = 'email,first name,last name,extension,password\n' +
    `erin@${domain},Erin,Ray,302,Erin-password-1\n` +
    `finn@${domain},Finn,Fox,30y,Finn-password-1\n`;
  const csvPath = join(artifacts, 'import.csv');
  writeFileSync(csvPath, bad);
  await page.goto(base + '/users/import');
  await checkLabels('import');
  await page.getByLabel('CSV file').setInputFiles(csvPath);
  await page.getByRole('button', { name: 'Check the file' }).click();
  const title = await page.locator('#report-title').innerText();
  check(title === '1 problem in 2 rows — nothing was imported', 'report title: ' + title);
  const cells = await page.locator('#report tbody tr').first().locator('td').allInnerTexts();
  check(cells[0] === '3' && cells[1] === 'extension', 'bad row reported with the file\'s own column name: ' + cells.join(' | '));
  check(await page.locator('.progress progress').count() > 0, 'progress shown');
  await snap('import-report');
  writeFileSync(csvPath, bad.replace(',30y,', ',303,'));
  await page.goto(base + '/users/import');
  await page.getByLabel('CSV file').setInputFiles(csvPath);
  await page.getByRole('button', { name: 'Import' }).click();
  check(await page.locator('#report-title').innerText() === 'Imported 2 users', 'imported');
  await snap('import-done');

  // 5. Remove a user keeping the mailbox, after seeing what depends on it.
  await page.goto(base + '/users?search=dora');
  await page.getByRole('link', { name: 'Remove dora' }).click();
  await checkLabels('remove user');
  check((await page.locator('ul.deps').innerText()).includes('Mailbox:'), 'dependents shown');
  await snap('remove-user');
  await page.getByLabel('Keep it, detached from the user').check();
  await page.getByRole('button', { name: 'Remove dora' }).click();
  check((await page.getByRole('status').first().innerText()).includes('mailbox is kept'), 'removed, mailbox kept');
  await page.getByLabel('Search users').fill('dora');
  await page.getByRole('button', { name: 'Search' }).click();
  check((await page.locator('#count').innerText()) === 'No users match.', 'dora is gone');

  // 6. My Phone: presence, an API key shown once, a greeting played back.
  await page.getByRole('link', { name: 'My Phone' }).click();
  await checkLabels('my phone');
  await page.getByLabel('Ring my phones and my mobile together').check();
  await page.getByLabel('Mobile number').fill('');
  await page.getByRole('button', { name: 'Save how calls ring' }).click();
  check((await page.getByRole('status').first().innerText()).includes('Give your mobile number'), 'a choice without a mobile is refused');
  await page.getByLabel('Ring my phones and my mobile together').check();
  await page.getByLabel('Mobile number').fill('+33622334455');
  await page.getByRole('button', { name: 'Save how calls ring' }).click();
  check(await page.getByRole('status').first().innerText() === 'Saved.', 'behaviour saved');
  check(await page.getByLabel('Ring my phones and my mobile together').isChecked(), 'simultaneous reads back');
  await snap('my-phone-how-calls-ring');
  await readme('my-phone', page.locator('section#behaviour'));
  await page.getByLabel('I am').selectOption('LUNCH');
  await page.getByRole('button', { name: 'Save presence' }).click();
  check(await page.getByLabel('I am').inputValue() === 'LUNCH', 'presence saved');
  await page.getByLabel('Key name').fill('crm sync');
  await page.getByRole('button', { name: 'Create API key' }).click();
  const secret = await page.locator('#new-key-secret').innerText();
  check(secret.length > 20, 'secret shown');
  await snap('api-key');
  await page.reload();
  check((await page.content()).includes(secret) === false, 'secret shown only once');
  const wav = Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00', 'latin1'), Buffer.alloc(64)]);
  writeFileSync(join(artifacts, 'hello.wav'), wav);
  await page.getByLabel('WAV or MP3 file').setInputFiles(join(artifacts, 'hello.wav'));
  await page.getByRole('button', { name: 'Upload greeting' }).click();
  const src = await page.locator('ul.greetings audio').first().getAttribute('src');
  const audio = await page.request.get(base + src);
  check(audio.status() === 200 && audio.headers()['content-type'].startsWith('audio/'), 'greeting plays back');

  // 7. Two-factor enrolment with the QR code, then a sign-in that needs it.
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  check(await page.locator('#otp-qr').evaluate((img) => img.complete && img.naturalWidth > 0), 'QR code shown');
  await snap('otp-enrol');
  const otpSecret = await page.locator('#otp-secret').innerText();
  await page.getByLabel('Code', { exact: true }).fill(totp(otpSecret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.locator('#otp-on').waitFor({ state: 'visible' }); // the page after the POST, on a loaded machine too
  const recovery = await page.locator('ul.codes code').first().innerText();
  await snap('otp-on');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(base + '/login');
  await signIn(process.env.ADMIN_USER, process.env.ADMIN_PASSWORD, domain);
  await page.getByLabel('Code', { exact: true }).fill(recovery);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(base + '/users');
  await snap('signed-in-with-second-factor');

  // 7b. The users list filtered by role and by phones online.
  await page.goto(base + '/users');
  await page.getByLabel('Role', { exact: true }).selectOption('Admin');
  await page.getByRole('button', { name: 'Filter' }).click();
  check(await page.locator('#count').innerText() === 'Users 1–1 of 1', 'only the admin: ' + await page.locator('#count').innerText());
  await page.getByLabel('Role', { exact: true }).selectOption('');
  await page.getByLabel('Phones').selectOption('online');
  await page.getByRole('button', { name: 'Filter' }).click();
  check(await page.locator('#count').innerText() === 'No users match.', 'no phone is registered');
  await snap('users-filtered');
  await page.goto(base + '/users');
  await readme('users');

  // 7c. Call history: one's own calls and, for an admin, the company's.
  await page.getByRole('link', { name: 'Call history' }).click();
  check(await page.locator('#calls-count').innerText() === 'No calls.', 'no calls yet');
  await page.getByRole('link', { name: "The company's calls" }).click();
  await page.getByLabel('Direction').selectOption({ label: 'Received' });
  await page.getByLabel('Since').fill('2026-01-01');
  await page.getByRole('button', { name: 'Filter' }).click();
  check(page.url().includes('scope=company') && page.url().includes('direction=INBOUND_CALL'), 'company calls filtered: ' + page.url());
  await snap('call-history');

  // 7d. Company settings: office hours by the week, a holiday added.
  await page.getByRole('link', { name: 'Company', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Saturday open' }).check();
  await page.getByRole('textbox', { name: 'Saturday hours' }).fill('09:00-12:00');
  await page.getByRole('button', { name: 'Save company settings' }).click();
  await expectSaved('company saved');
  check(await page.getByRole('textbox', { name: 'Saturday hours' }).inputValue() === '09:00-12:00', 'saturday kept');
  await page.getByLabel('Holiday name').fill('Christmas');
  await page.getByLabel('First day').fill('2026-12-25');
  await page.getByLabel('Every year').check();
  await page.getByRole('button', { name: 'Add holiday' }).click();
  check((await page.locator('#holidays tbody').innerText()).includes('25 December, every year'), 'holiday listed');
  await snap('company');

  // 7e. Groups (a nameless group refused, then one added) and roles.
  await page.getByRole('link', { name: 'Groups' }).click();
  await page.getByRole('button', { name: 'Add group' }).click();
  check((await page.locator('#group-name-error').innerText()).length > 0, 'a group needs a name');
  await snap('group-error');
  await page.getByLabel('Name').fill('Front desk');
  await page.getByRole('button', { name: 'Add group' }).click();
  check((await page.locator('table').innerText()).includes('Front desk'), 'group added');
  await snap('groups');
  await page.getByRole('link', { name: 'Roles' }).click();
  await snap('roles');

  // 8. A phone's screen: 360 px wide, nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(base + '/users');
  const someone = await page.locator('a[aria-label^="Edit "]').first().getAttribute('href');
  for (const [name, url] of [['narrow-users', '/users'], ['narrow-edit-user', someone], ['narrow-my-phone', '/me'], ['narrow-import', '/users/import'], ['narrow-calls', '/calls'], ['narrow-company', '/company']]) {
    await page.goto(base + url);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    const over = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 360)
      .slice(0, 5).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)));
    check(wide <= 360, `${name}: the page is ${wide} px wide at 360 px: ${over.join(', ')}`);
    await snap(name);
  }

  // 9. The SystemAdmin's tenants page: a tenant with a taken domain refused.
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(base + '/users');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(base + '/login');
  await signIn('admin', process.env.SYSTEM_PASSWORD, '');
  await page.goto(base + '/tenants');
  await page.getByLabel('Company name').fill('Copycat');
  await page.getByLabel('Domain').fill(domain);
  await page.getByLabel('Username').fill('cat');
  await page.getByLabel('Email').fill('cat@copy.example');
  await page.getByLabel('Extension').fill('100');
  await page.getByLabel('Password').fill('Cat-password-12');
  await page.getByRole('button', { name: 'Add tenant' }).click();
  check((await page.locator('.field-error').allInnerTexts()).join(' ').length > 0, 'a taken domain is refused');
  await snap('tenants-error');

  check(consoleErrors.length === 0, 'console errors: ' + consoleErrors.join(' | '));
  console.log(`portal: every check passed (${shot} screenshots in ${artifacts})`);
} catch (err) {
  if (page) await snap('failure').catch(() => {});
  console.error(err.stack || String(err));
  process.exitCode = 1;
} finally {
  await browser.close();
}
