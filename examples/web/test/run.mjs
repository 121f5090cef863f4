// The page in a real browser: Debian's Chromium, headless, driven by playwright-core.
//
//   cd examples/web/test && npm ci && node run.mjs [--screenshot ../screenshot.png]
//
// Needs the page built (examples/web/build.sh). Builds the repository's examples it compares
// with (triage, classify, synthetic_export) and the server (serve_web), serves the page on
// 127.0.0.1, and checks:
// - the sample export (datasets/sample_invitations.csv and sample_messages.csv, loose and as a
//   ZIP made here): the counts, every verdict and the downloaded CSVs are the `triage`
//   example's for the same files; pitches come first, evidence is marked, the reply is copied;
// - the one-note box gives the `classify` example's verdicts;
// - a file that is no export gets an error, not a crash;
// - a generated 10,000-message export: counts and CSV as the `triage` example's;
// - the network: every request the page makes is to its own origin, for its own files, before
//   it is ready; none after (while it reads, sorts, copies and downloads); and fetches tried
//   afterwards are refused by its Content-Security-Policy. Requests are those Playwright reports
//   for the page (the browser context's `request` event), which are the page's and its
//   workers' only: Chromium's own background traffic (updates, safe browsing) belongs to no page
//   and is not counted (it is also turned off by the flags below).
// It prints the timings (first verdict after navigation start, the 10,000-message sort) and the
// wasm file's size: measurements, not pass/fail checks (speed is measured, never asserted).
// The last line is "web: N passed, M failed"; the exit code is 1 when anything failed.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, '..');
const root = path.resolve(web, '../..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const screenshot = option('--screenshot');
const executablePath = option('--chromium') ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nopitch-web-'));

// ---------------------------------------------------------------- helpers

const results = { passed: 0, failed: 0 };
async function check(name, body) {
  try {
    await body();
    results.passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    results.failed += 1;
    console.log(`FAIL ${name}\n     ${String(e && e.stack ? e.stack : e).split('\n').join('\n     ')}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
function equal(actual, expected, message) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${message}\n  page:     ${a.slice(0, 2000)}\n  expected: ${b.slice(0, 2000)}`);
}

function run(command, commandArgs) {
  const r = spawnSync(command, commandArgs, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}
const example = (name, exampleArgs) => run(path.join(root, 'target/release/examples', name), exampleArgs);

/** RFC 4180 CSV: quoted fields with commas, quotes and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** The page's section of a row of the CSVs: `unsure` for an unsure verdict, else its category. */
const sectionOf = (row) => (row.unsure === 'yes' ? 'unsure' : row.category);
function countsOf(rows) {
  const counts = {};
  for (const r of rows) counts[sectionOf(r)] = (counts[sectionOf(r)] ?? 0) + 1;
  return counts;
}
const sortedObject = (o) => Object.fromEntries(Object.entries(o).sort());

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP archive of deflated entries, as LinkedIn's export is. */
function zipOf(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = zlib.deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, packed);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, centralBytes, end]);
}

// ---------------------------------------------------------------- expected results

const wasm = path.join(web, 'pkg/nopitch_web_bg.wasm');
if (!fs.existsSync(wasm)) {
  console.error('examples/web/pkg is not built: run examples/web/build.sh first');
  process.exit(1);
}
console.log('building the examples compared with (cargo build --release --examples ...)');
run('cargo', ['build', '--release', '--example', 'triage', '--example', 'classify',
  '--example', 'synthetic_export', '--example', 'serve_web']);

const samples = {
  invitations: path.join(root, 'datasets/sample_invitations.csv'),
  messages: path.join(root, 'datasets/sample_messages.csv'),
};
const expected = { invitationsCsv: path.join(tmp, 'invitations.csv'), conversationsCsv: path.join(tmp, 'conversations.csv') };
const triageOut = example('triage', [samples.invitations, samples.messages,
  '--out', expected.invitationsCsv, '--conversations-out', expected.conversationsCsv]);
/** The report's summary lines, without the file name: "40 invitations, 34 incoming", … */
const summaryLines = triageOut.split('\n')
  .filter((l) => / invitations, \d+ incoming$| messages in \d+ conversations; owner /.test(l))
  .map((l) => l.slice(l.indexOf(': ') + 2));
const invitationRows = parseCsv(fs.readFileSync(expected.invitationsCsv, 'utf8'));
const conversationRows = parseCsv(fs.readFileSync(expected.conversationsCsv, 'utf8'));

const alone = path.join(tmp, 'messages_alone.csv');
example('triage', [samples.messages, '--conversations-out', alone]);
const aloneRows = parseCsv(fs.readFileSync(alone, 'utf8'));

const big = { messages: path.join(tmp, 'messages.csv'), csv: path.join(tmp, 'conversations_10k.csv') };
example('synthetic_export', [big.messages, '--messages', '10000']);
example('triage', [big.messages, '--conversations-out', big.csv]);
const bigRows = parseCsv(fs.readFileSync(big.csv, 'utf8'));

const NOTES = [
  'Hi Jordan, we help mid-size firms cut their Microsoft licensing bill by 20%. Open to a 15 minute call next week?',
  'Great working with you on the Banner upgrade at State U, let us stay in touch.',
  'Hi',
];
const classifyOut = example('classify', NOTES.filter((n) => n.trim()));
const expectedNotes = [...classifyOut.matchAll(/label: (\S+)\s+confidence: ([\d.]+)(\s+\(unsure\))?/g)]
  .map((m) => ({ label: m[1], confidence: m[2], unsure: Boolean(m[3]) }));
assert(expectedNotes.length === NOTES.length, `classify printed ${expectedNotes.length} verdicts for ${NOTES.length} notes`);

// ---------------------------------------------------------------- the server and the browser

const server = spawn(path.join(root, 'target/release/examples/serve_web'), ['--no-build', '--port', '0'], {
  cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
});
const origin = await new Promise((ok, fail) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const m = out.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
    if (m) ok(`http://${m[1]}`);
  });
  server.on('exit', (code) => fail(new Error(`serve_web exited (${code}) before serving`)));
});
console.log(`page served on ${origin}/`);

const browser = await chromium.launch({
  executablePath,
  headless: true,
  // Playwright starts Chromium with a new, empty profile of its own (a fresh user-data-dir).
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1180, height: 1500 }, acceptDownloads: true });
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });

/** The page's own files, each loaded at most once per page load. */
const PAGE_FILES = new Set(['/', '/index.html', '/app.js', '/style.css', '/favicon.svg',
  '/pkg/nopitch_web.js', '/pkg/nopitch_web_bg.wasm']);
const network = { problems: [], requests: 0 };
const pageErrors = [];

async function openPage(name) {
  const page = await context.newPage();
  let ready = false;
  const seen = new Set();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'blob:' || url.protocol === 'data:') return; // in memory, not the network
    network.requests += 1;
    const what = `${name}: ${request.method()} ${request.url()}`;
    if (url.origin !== origin) network.problems.push(`${what}: not the page's origin`);
    else if (!PAGE_FILES.has(url.pathname)) network.problems.push(`${what}: not one of the page's files`);
    else if (seen.has(url.pathname)) network.problems.push(`${what}: requested twice`);
    else if (ready) network.problems.push(`${what}: after the page was ready`);
    seen.add(url.pathname);
  });
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${name}: console: ${m.text()}`); });
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
  const navigation = page.goto(`${origin}/`, { waitUntil: 'domcontentloaded' });
  await navigation;
  page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 })
    .then(() => { ready = true; }, () => {});
  return page;
}

async function sortAndWait(page, files) {
  const runs = await page.evaluate(() => performance.getEntriesByName('nopitch:verdicts').length);
  await page.setInputFiles('#files', files);
  await page.waitForFunction((n) => performance.getEntriesByName('nopitch:verdicts').length > n
    || document.querySelector('#status.error'), runs, { timeout: 120_000 });
  const error = await page.$eval('#status', (s) => (s.classList.contains('error') ? s.textContent : ''));
  assert(!error, `the page says: ${error}`);
}

/** Opens every closed section (their cards are made when first opened), as a person would. */
async function openAll(page) {
  await page.$$eval('details.section:not([open])', (all) => all.forEach((d) => { d.open = true; }));
  await page.waitForFunction(() => [...document.querySelectorAll('details.section')].every((d) => d.dataset.filled));
}

const pills = (page, kind) => page.$$eval(`.panel[data-kind="${kind}"] .pill`,
  (all) => Object.fromEntries(all.map((p) => [p.dataset.section, Number(p.dataset.count)])));
const cards = (page, kind) => page.$$eval(`article.card[data-kind="${kind}"]`, (all) => all.map((c) => ({ ...c.dataset,
  marks: [...c.querySelectorAll('mark')].map((m) => m.textContent),
  noteMarks: [...c.querySelectorAll('.note mark')].map((m) => m.textContent),
  note: c.querySelector('.note')?.textContent ?? '',
  section_of_card: c.closest('.section')?.dataset.section })));

async function download(page, kind) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-download="${kind}"]`)]);
  return fs.readFileSync(await file.path(), 'utf8');
}

const timings = {};

// ---------------------------------------------------------------- the checks

const page = await openPage('sample');
await check('the sample export (loose CSVs) is sorted', async () => {
  await sortAndWait(page, [samples.invitations, samples.messages]);
  timings.sample = await page.evaluate(() => {
    const sort = performance.getEntriesByName('nopitch:sort')[0];
    return {
      wasm: performance.getEntriesByName('nopitch:wasm')[0]?.startTime,
      model: performance.getEntriesByName('nopitch:model')[0]?.startTime,
      files: performance.getEntriesByName('nopitch:files')[0]?.startTime,
      ready: performance.getEntriesByName('nopitch:ready')[0]?.startTime,
      verdicts: performance.getEntriesByName('nopitch:verdicts')[0]?.startTime,
      sort: sort?.duration,
      ...sort?.detail,
    };
  });
  await openAll(page);
});

await check('the summary lines are the triage example\'s', async () => {
  const lines = await page.$$eval('#summary .line', (all) => all.map((l) => l.textContent.slice(l.textContent.indexOf(': ') + 2)));
  equal(lines, summaryLines, 'summary lines');
});

await check('the counts are the triage example\'s', async () => {
  equal(sortedObject(await pills(page, 'invitations')), sortedObject(countsOf(invitationRows)), 'invitation counts');
  equal(sortedObject(await pills(page, 'conversations')), sortedObject(countsOf(conversationRows)), 'conversation counts');
  const tabs = await page.$$eval('#tabs .tab', (all) => all.map((t) => t.textContent));
  const conversations = conversationRows.filter((r) => r.category !== 'unreadable').length;
  equal(tabs, [`Invitations \u00b7 ${invitationRows.length}`, `Conversations \u00b7 ${conversations}`], 'tabs');
});

await check('every invitation\'s verdict is the triage example\'s', async () => {
  const shown = await cards(page, 'invitation');
  equal(shown.length, invitationRows.length, 'invitation cards');
  for (const card of shown) {
    const row = invitationRows[Number(card.row)];
    equal([card.category, card.unsure, card.confidence, card.action, card.section, card.section_of_card],
      [row.category, row.unsure, row.confidence, row.action, sectionOf(row), sectionOf(row)],
      `invitation row ${card.row} (${row.From})`);
  }
});

await check('every conversation\'s verdict is the triage example\'s', async () => {
  const shown = await cards(page, 'conversation');
  const rows = conversationRows.filter((r) => r.category !== 'unreadable');
  equal(shown.length, rows.length, 'conversation cards');
  const byId = new Map(shown.map((c) => [c.id, c]));
  for (const row of rows) {
    const card = byId.get(row.conversation_id);
    assert(card, `no card for conversation ${row.conversation_id}`);
    equal([card.category, card.unsure, card.confidence, card.action, card.followUps, card.section_of_card],
      [row.category, row.unsure, row.confidence, row.action, row.follow_ups, sectionOf(row)],
      `conversation ${row.conversation_id} (${row.sender})`);
  }
});

await check('pitches come first, then known contacts, personal, automated, unsure; most confident first', async () => {
  for (const kind of ['invitations', 'conversations']) {
    const sections = await page.$$eval(`.panel[data-kind="${kind}"] .section`, (all) => all.map((s) => ({
      section: s.dataset.section,
      confidences: [...s.querySelectorAll('article.card')].map((c) => Number(c.dataset.confidence || 0)),
    })));
    const order = ['sales', 'known-contact', 'personal', 'automated', 'unsure', 'group', 'outreach', 'no-note', 'outgoing', 'unknown-direction', 'unreadable'];
    const names = sections.map((s) => s.section);
    equal(names, [...names].sort((a, b) => order.indexOf(a) - order.indexOf(b)), `${kind}: section order`);
    equal(names[0], 'sales', `${kind}: first section`);
    for (const s of sections) {
      const sorted = [...s.confidences].sort((a, b) => b - a);
      equal(s.confidences, sorted, `${kind}: ${s.section} by confidence`);
    }
  }
});

await check('the evidence is marked in the pitches', async () => {
  const shown = await cards(page, 'invitation');
  const pitches = shown.filter((c) => c.section === 'sales' && c.note);
  assert(pitches.length > 0, 'no sure pitch with a note');
  for (const c of pitches) {
    assert(c.noteMarks.length > 0, `no evidence marked in the note of row ${c.row}: ${c.note}`);
    for (const m of c.noteMarks) assert(c.note.includes(m), `mark ${JSON.stringify(m)} is not in the note`);
  }
  const conversations = (await cards(page, 'conversation')).filter((c) => c.section === 'sales');
  const marked = conversations.filter((c) => c.marks.length > 0).length;
  timings.markedConversationPitches = `${marked} of ${conversations.length}`;
  assert(marked > 0, 'no evidence marked in any pitch conversation');
});

if (screenshot) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.resolve(process.cwd(), screenshot), clip: { x: 0, y: 0, width: 1180, height: 1300 } });
  console.log(`wrote ${screenshot}`);
}

await check('the downloaded CSVs are the triage example\'s, byte for byte', async () => {
  equal(await download(page, 'invitations'), fs.readFileSync(expected.invitationsCsv, 'utf8'), 'invitations CSV');
  equal(await download(page, 'conversations'), fs.readFileSync(expected.conversationsCsv, 'utf8'), 'conversations CSV');
});

await check('the reply, edited, is copied by a pitch\'s button and goes into the downloaded CSVs', async () => {
  const defaultReply = await page.inputValue('#reply');
  const reply = 'Thanks, but I only connect with people I have worked with, "really". (edited in the test)';
  await page.fill('#reply', reply);
  await page.click('.panel[data-kind="invitations"] .section[data-section="sales"] article.card .copy');
  equal(await page.evaluate(() => navigator.clipboard.readText()), reply, 'clipboard');
  for (const [kind, expectedRows] of [['invitations', invitationRows], ['conversations', conversationRows]]) {
    const rows = parseCsv(await download(page, kind));
    equal(rows.length, expectedRows.length, `${kind}: rows`);
    const declined = rows.filter((r) => r.action === 'decline');
    assert(declined.length > 0, `${kind}: no declined row`);
    equal([...new Set(declined.map((r) => r.reply))], [reply], `${kind}: replies`);
    equal(rows.filter((r) => r.action !== 'decline').map((r) => r.reply).filter(Boolean), [], `${kind}: replies of rows not declined`);
  }
  await page.fill('#reply', defaultReply);
});

await check('a pitch\'s conversation opens from its invitation', async () => {
  await page.click('.panel[data-kind="invitations"] .section[data-section="sales"] .linked a');
  const visible = await page.$eval('.panel[data-kind="conversations"]', (p) => !p.hidden);
  assert(visible, 'the conversations tab is not shown');
  await page.click('#tabs .tab[data-tab="invitations"]');
});

await check('the one-note box gives the classify example\'s verdicts', async () => {
  await page.click('#one-note summary');
  for (const [i, note] of NOTES.entries()) {
    await page.fill('#note', note);
    await page.waitForFunction((text) => document.querySelector('#note').value === text
      && document.querySelector('#note-verdict').dataset.label, note);
    const shown = await page.$eval('#note-verdict', (v) => ({ ...v.dataset }));
    equal({ label: shown.label, confidence: shown.confidence, unsure: shown.unsure === 'true' }, expectedNotes[i], `note ${JSON.stringify(note)}`);
  }
});

await check('the ZIP LinkedIn mails (made here of the sample) gives the same as the loose files', async () => {
  const zip = zipOf([
    { name: 'Connections.csv', data: Buffer.from('First Name,Last Name,URL\nAna,Ruiz,\n') },
    { name: 'Invitations.csv', data: fs.readFileSync(samples.invitations) },
    { name: 'messages.csv', data: fs.readFileSync(samples.messages) },
  ]);
  await sortAndWait(page, [{ name: 'Basic_LinkedInDataExport_01-30-2026.zip', mimeType: 'application/zip', buffer: zip }]);
  equal(sortedObject(await pills(page, 'invitations')), sortedObject(countsOf(invitationRows)), 'invitation counts');
  equal(await download(page, 'invitations'), fs.readFileSync(expected.invitationsCsv, 'utf8'), 'invitations CSV');
  equal(await download(page, 'conversations'), fs.readFileSync(expected.conversationsCsv, 'utf8'), 'conversations CSV');
  const source = await page.$eval('#summary .line', (l) => l.textContent);
  assert(source.startsWith('Basic_LinkedInDataExport_01-30-2026.zip: Invitations.csv: '), source);
});

await check('a file dropped on the page is sorted like a picked one', async () => {
  const runs = await page.evaluate(() => performance.getEntriesByName('nopitch:verdicts').length);
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'messages.csv', { type: 'text/csv' }));
    document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, fs.readFileSync(samples.messages, 'utf8'));
  await page.waitForFunction((n) => performance.getEntriesByName('nopitch:verdicts').length > n, runs);
  equal(sortedObject(await pills(page, 'conversations')), sortedObject(countsOf(aloneRows)), 'conversation counts');
  const line = await page.$eval('#summary .line', (l) => l.textContent);
  assert(line.startsWith('messages.csv: '), line);
});

await check('a file that is no export gets an error, and the page goes on', async () => {
  await page.setInputFiles('#files', [{ name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('text,label\nhello,personal\n') }]);
  await page.waitForSelector('#status.error');
  const text = await page.$eval('#status', (s) => s.textContent);
  assert(text.startsWith('found neither Invitations.csv nor messages.csv'), text);
  await sortAndWait(page, [samples.messages]);
  equal(await download(page, 'conversations'), fs.readFileSync(alone, 'utf8'), 'messages alone: CSV');
  equal(await page.$$eval('#tabs .tab', (all) => all.length), 1, 'messages alone: tabs');
});
await page.close();

const bigPage = await openPage('10k');
await check('a 10,000-message export is sorted as the triage example sorts it', async () => {
  await bigPage.waitForFunction(() => document.body.dataset.ready === 'true');
  await sortAndWait(bigPage, [big.messages]);
  const sort = await bigPage.evaluate(() => {
    const m = performance.getEntriesByName('nopitch:sort')[0];
    return { duration: m.duration, ...m.detail };
  });
  timings.big = sort;
  equal(sortedObject(await pills(bigPage, 'conversations')), sortedObject(countsOf(bigRows)), '10,000-message counts');
  equal(await download(bigPage, 'conversations'), fs.readFileSync(big.csv, 'utf8'), '10,000-message CSV');
});

await check('no request but the page\'s own files, none after it is ready', async () => {
  assert(network.requests > 0, 'no request seen at all: the listener is broken');
  equal(network.problems, [], 'requests');
});

await check('the Content-Security-Policy refuses any fetch once the page is ready', async () => {
  const tries = await bigPage.evaluate(async () => {
    const attempt = async (url) => { try { await fetch(url); return 'allowed'; } catch { return 'refused'; } };
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const result = [await attempt('/index.html'), await attempt('https://example.com/')];
    await new Promise((ok) => setTimeout(ok, 50));
    return { result, violations };
  });
  equal(tries.result, ['refused', 'refused'], 'fetches');
  assert(tries.violations.length >= 2 && tries.violations.every((v) => v === 'connect-src'),
    `violations reported: ${JSON.stringify(tries.violations)}`);
});

await check('no error in the pages\' consoles', async () => {
  // The policy's refusals just above are expected console errors.
  equal(pageErrors.filter((e) => !e.includes('Content Security Policy')), [], 'errors');
});

await bigPage.close();
await browser.close();
server.kill();
fs.rmSync(tmp, { recursive: true, force: true });

const size = fs.statSync(wasm).size;
const ms = (x) => (x === undefined ? '?' : `${Math.round(x)} ms`);
console.log('\nmeasured (headless Chromium, this machine):');
console.log(`  wasm file: ${size.toLocaleString('en')} bytes (${(size / 1e6).toFixed(2)} MB)`);
const s = timings.sample ?? {};
console.log(`  page ready ${ms(s.ready)} after navigation start: wasm compiled at ${ms(s.wasm)}, model decoded at ${ms(s.model)}, one warm-up sort of a few rows done at ${ms(s.ready)}`);
console.log(`  sample export (given at ${ms(s.files)}, as soon as the test could): verdicts shown at ${ms(s.verdicts)}, ${ms(s.sort)} after the files were in the ready page (waited for it ${ms(s.waited)}; reading ${ms(s.read)}, triage ${ms(s.triage)}, showing ${ms(s.render)})`);
if (timings.big) {
  const b = timings.big;
  console.log(`  10,000-message export given to the ready page: sorted and shown in ${ms(b.duration)} (reading ${ms(b.read)}, triage ${ms(b.triage)}, showing ${ms(b.render)})`);
}
console.log(`  pitch conversations with evidence marked in their opening message: ${timings.markedConversationPitches}`);
console.log(`web: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
