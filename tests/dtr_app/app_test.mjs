// Drives the DTR app in headless Chromium as a clinician does: opens the launch URL an EHR would (a SMART
// EHR launch, or a card's plain link), waits for the questionnaire, answers every open question yes, attaches
// a document to the first question that takes one, saves,
// and reports what the page showed, as one line of JSON for the C++ test that set the scene.
//
//   node app_test.mjs LAUNCH_URL SCREENSHOT_DIR
//
// Prints {"status", "questions" (open), "prefilled", "answered", "readOnly", "attached", "saved", "result"}; exits 1 (with "error") when the page did
// not get that far.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const [launchUrl, outDir] = process.argv.slice(2);
if (!launchUrl || !outDir) {
  console.error('usage: node app_test.mjs LAUNCH_URL SCREENSHOT_DIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const report = {};
const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
const console_lines = [];
page.on('console', (message) => console_lines.push(message.text()));
page.on('response', (response) => {
  if (response.status() >= 400) console_lines.push(`HTTP ${response.status()} ${response.url()}`);
});
page.on('pageerror', (error) => console_lines.push('page error: ' + error.message));
try {
  await page.goto(launchUrl);
  // The launch ends on index.html, which says how many items are left once the form is drawn.
  await page.waitForFunction(() => {
    const status = document.getElementById('status');
    return status && /to attest|Nothing is left|Could not/.test(status.textContent);
  }, null, { timeout: 60000 });
  report.status = await page.textContent('#status');
  if (/Could not/.test(report.status)) {
    throw new Error(report.status);
  }
  await page.screenshot({ path: join(outDir, 'dtr-app-opened.png'), fullPage: true });
  // The questions: LHC-Forms draws each boolean item as Yes / No / Not Answered radio buttons; what the
  // record shows is drawn read-only, its value what $populate filled in ("Met: ...", "Not shown by ...").
  report.readOnly = await page.evaluate(
    () => Array.from(document.querySelectorAll('input, textarea')).filter((e) => /^(Met|Not met|Not shown)/.test(e.value)).length);
  // The open questions are those whose "Not Answered" is checked; the clinician answers each yes.
  const open = page.locator('label.ant-radio-wrapper-checked').filter({ hasText: /^\s*Not Answered\s*$/ });
  report.questions = await open.count();
  report.prefilled = await page.locator('label.ant-radio-wrapper-checked').filter({ hasText: /^\s*Yes\s*$/ }).count();
  for (let left = report.questions; left > 0; left--) {
    await open.first().locator('xpath=..').locator('label.ant-radio-wrapper').filter({ hasText: /^\s*Yes\s*$/ }).click();
  }
  report.answered =
    (await page.locator('label.ant-radio-wrapper-checked').filter({ hasText: /^\s*Yes\s*$/ }).count()) - report.prefilled;
  // A document for the first question that takes one, as a clinician attaches a note.
  const upload = page.locator('input[type="file"]').first();
  if (await upload.count()) {
    await upload.setInputFiles({ name: 'consult-note.txt', mimeType: 'text/plain', buffer: Buffer.from('Consultation note') });
    report.attached = true;
  }
  await page.screenshot({ path: join(outDir, 'dtr-app-answered.png'), fullPage: true });
  await page.click('#save');
  await page.waitForFunction(() => {
    const result = document.getElementById('result');
    const status = document.getElementById('status');
    return (result && result.textContent.trim() !== '') || (status && /Not saved/.test(status.textContent));
  }, null, { timeout: 60000 });
  report.saved = await page.textContent('#status');
  report.result = await page.textContent('#result');
  await page.screenshot({ path: join(outDir, 'dtr-app-saved.png'), fullPage: true });
} catch (error) {
  report.error = String(error.message || error);
  report.console = console_lines;
  try {
    report.html = (await page.content()).slice(0, 20000);
    await page.screenshot({ path: join(outDir, 'dtr-app-failed.png'), fullPage: true });
  } catch {
    // the page is gone: the error says why
  }
}
await browser.close();
console.log(JSON.stringify(report));
process.exit(report.error ? 1 : 0);
