// Renders every golden card (tests/golden/responses/*.json) as an EHR's card panel shows it: the summary,
// the detail's markdown turned into HTML by a real markdown renderer (marked) in headless Chromium, the
// suggestion buttons and the links, in a 600-pixel-wide panel like the CDS Hooks sandbox's. Writes the page
// and a screenshot of it (all-cards.html/.png; with CARD_SCREENSHOTS=1 also one per case) into OUT_DIR, and
// fails when a card that asks for something is taller than one screen, or when markdown is left unrendered.
//
// Usage: node render_test.mjs GOLDEN_RESPONSES_DIR OUT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [responsesDir, outDir] = process.argv.slice(2);
if (!responsesDir || !outDir) {
  console.error('usage: node render_test.mjs GOLDEN_RESPONSES_DIR OUT_DIR');
  process.exit(2);
}
// One screen: a 1080-pixel display less the EHR's own header and order form.
const MAX_CARD_HEIGHT = 900;
const here = dirname(fileURLToPath(import.meta.url));
const marked = readFileSync(join(here, 'node_modules/marked/lib/marked.umd.js'), 'utf8');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// One page with every case's cards (one Chromium start measures them all), or one case's.
function page(title, cases) {
  const all = cases.flatMap(({ name, response }) => response.cards.map((card) => ({ name, card })));
  const cards = all.map(({ name, card }, i) => {
    const suggestions = (card.suggestions || [])
      .map((s) => `<button>${escape(s.label)}</button>`).join('');
    const links = (card.links || []).map((l) => `<a href="${escape(l.url)}">${escape(l.label)}</a>`).join(' ');
    return `<h4>${escape(name)}</h4>
<section class="card ${escape(card.indicator)}" data-indicator="${escape(card.indicator)}" data-case="${escape(name)}">
  <div class="summary">${escape(card.summary)}</div>
  <div class="detail" id="detail-${i}"></div>
  <div class="suggestions">${suggestions}</div>
  <div class="links">${links}</div>
</section>`;
  });
  const details = JSON.stringify(all.map(({ card }) => card.detail || ''));
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body { font: 14px/1.43 "Helvetica Neue", Helvetica, Arial, sans-serif; margin: 16px; background: #f5f5f5; }
.card { width: 600px; box-sizing: border-box; background: #fff; border: 1px solid #ddd; border-left: 5px solid #999;
        border-radius: 4px; padding: 12px 16px; margin-bottom: 16px; }
.card.warning { border-left-color: #f0ad4e; } .card.critical { border-left-color: #d9534f; }
.card.info { border-left-color: #5bc0de; }
.summary { font-size: 16px; font-weight: bold; margin-bottom: 8px; }
.detail p, .detail ul { margin: 0 0 8px 0; } .detail ul { padding-left: 20px; }
button { margin: 4px 8px 0 0; padding: 4px 10px; border: 1px solid #337ab7; background: #fff; color: #337ab7;
         border-radius: 3px; font-size: 13px; }
.links { margin-top: 6px; } .links a { color: #337ab7; }
#measured { display: none; }
h4 { margin: 12px 0 4px 0; color: #666; font-weight: normal; }
</style></head><body>
${cards.join('\n')}
<pre id="measured"></pre>
<script>${marked}</script>
<script>
const details = ${details};
details.forEach((text, i) => { document.getElementById('detail-' + i).innerHTML = marked.parse(text); });
const cards = [...document.querySelectorAll('.card')].map((card) => ({
  name: card.dataset.case,
  indicator: card.dataset.indicator,
  height: Math.round(card.getBoundingClientRect().height),
  text: card.querySelector('.detail').textContent,
}));
document.getElementById('measured').textContent = 'MEASURED' + JSON.stringify(cards) + 'END';
</script></body></html>`;
}

function chrome(args, profile) {
  return execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, ...args,
  ], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'], timeout: 120000 });
}

function measure(html, profile) {
  const dom = chrome(['--dump-dom', `file://${html}`], profile);
  const found = /MEASURED(.*?)END<\/pre>/s.exec(dom);
  if (!found) {
    return null;
  }
  return JSON.parse(found[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&'));
}

mkdirSync(outDir, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'pumpcds-chromium-'));
const failures = [];
let measured = 0;
try {
  const cases = readdirSync(responsesDir).filter((f) => f.endsWith('.json')).sort().map((file) => ({
    name: file.replace(/\.json$/, ''),
    response: JSON.parse(readFileSync(join(responsesDir, file), 'utf8')),
  }));
  const html = join(outDir, 'all-cards.html');
  writeFileSync(html, page('golden cards', cases));
  const cards = measure(html, profile);
  if (!cards) {
    failures.push("the page did not render (no measurement in Chromium's DOM)");
  } else {
    const total = cards.reduce((sum, card) => sum + card.height + 40, 40);
    chrome([`--screenshot=${join(outDir, 'all-cards.png')}`, `--window-size=680,${Math.min(total, 16000)}`,
      `file://${html}`], profile);
    cards.forEach((card) => {
      measured += 1;
      console.log(`${card.name} (${card.indicator}): ${card.height} px`);
      if (card.indicator !== 'info' && card.height > MAX_CARD_HEIGHT) {
        failures.push(`${card.name}: a card ${card.height} px tall, more than one screen (${MAX_CARD_HEIGHT} px)`);
      }
      if (card.text.includes('**') || /\]\(http/.test(card.text)) {
        failures.push(`${card.name}: markdown left unrendered`);
      }
    });
  }
  // One screenshot per case on request (CARD_SCREENSHOTS=1), for the README's pictures.
  for (const one of process.env.CARD_SCREENSHOTS ? cases : []) {
    const single = join(outDir, `${one.name}.html`);
    writeFileSync(single, page(one.name, [one]));
    chrome([`--screenshot=${join(outDir, `${one.name}.png`)}`, '--window-size=680,1100', `file://${single}`], profile);
  }
} finally {
  rmSync(profile, { recursive: true, force: true });
}
if (measured === 0) {
  failures.push(`no golden card found in ${responsesDir}`);
}
for (const failure of failures) {
  console.error(`FAIL ${failure}`);
}
console.log(`${measured} cards rendered; pages and screenshots in ${outDir}`);
process.exit(failures.length === 0 ? 0 : 1);
