// nopitch's page: reads the export a person drops, has the WebAssembly binding sort it, shows the
// verdicts. Plain JavaScript, no framework, no network: every text is put in with textContent
// (never as HTML), and once the wasm file is in, the page forbids itself any request.
import init, { warm_up, warm_up_sort, classify, csv_field, Export } from './pkg/nopitch_web.js';

const $ = (id) => document.getElementById(id);

/** Cards shown per section at first, and per "Show more". */
const PAGE = 50;

/** The sections of a list, in order (the binding puts every row in exactly one). */
const SECTIONS = {
  sales: { title: 'Pitches', hint: 'Cold approaches: decline them with your reply.', open: true },
  'known-contact': { title: 'Known contacts', hint: 'They name work or study you shared: accept.', open: true },
  personal: { title: 'Personal', hint: 'Genuine, non-commercial: yours to decide.', open: true },
  automated: { title: 'Automated', hint: 'Ads, LinkedIn\u2019s own promotions, broadcasts: archive.', open: true },
  unsure: { title: 'Unsure', hint: 'nopitch is not sure about these: have a look.', open: true },
  group: { title: 'Group chats', hint: 'Two or more other people: yours to look at.', open: false },
  outreach: { title: 'Your outreach', hint: 'You wrote first: yours to look at.', open: false },
  'no-note': { title: 'No note', hint: 'Invitations without a note from people with no conversation to judge.', open: false },
  outgoing: { title: 'Sent by you', hint: 'Invitations you sent: not judged.', open: false },
  'unknown-direction': { title: 'Unknown direction', hint: 'Neither incoming nor outgoing: not judged.', open: false },
  unreadable: { title: 'Unreadable rows', hint: 'Rows that could not be read: kept in the CSV, marked unreadable.', open: false },
};

const SOURCES = {
  note: 'from the note',
  conversation: 'from their messages',
  'note+conversation': 'from the note and their messages',
};

let files = [];
let conversationsById = new Map();
let replyPlaceholder = null;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function setStatus(text, isError = false) {
  const status = $('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/** Once the wasm file is in, a second policy forbids every request (policies add up). */
function lockDown() {
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = "default-src 'none'";
  document.head.append(meta);
}

const ready = (async () => {
  await init();
  lockDown();
  performance.mark('nopitch:wasm');
  const info = JSON.parse(warm_up());
  performance.mark('nopitch:model');
  warm_up_sort();
  performance.mark('nopitch:ready');
  $('model-info').textContent =
    `Model: the pretrained one, ${info.features.toLocaleString('en')} features, labels ${info.labels.join(', ')} (fingerprint ${info.fingerprint}).`;
  setStatus('Ready: nothing has been read yet.');
  document.body.dataset.ready = 'true';
})();
ready.catch((e) => setStatus(`nopitch could not start in this browser: ${e}`, true));

/**
 * Puts `text` into `parent` with the evidence marked: `marks` are [start, end) offsets into the
 * string, from the byte spans the library gives each piece of evidence.
 */
function putMarked(parent, text, marks) {
  let at = 0;
  for (const [start, end] of marks ?? []) {
    if (start < at || end > text.length) continue;
    if (start > at) parent.append(document.createTextNode(text.slice(at, start)));
    parent.append(el('mark', null, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) parent.append(document.createTextNode(text.slice(at)));
}

function percent(confidence) {
  const value = Number(confidence);
  return Number.isFinite(value) && confidence !== '' ? `${Math.round(value * 100)}%` : '';
}

// ---------------------------------------------------------------- files in

async function filesFromDrop(dataTransfer) {
  // Entries must be taken before the first await: the drop's data is gone after it.
  const plain = [...dataTransfer.files];
  const entries = [...dataTransfer.items]
    .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
    .filter(Boolean);
  if (!entries.some((e) => e.isDirectory)) return plain;
  const out = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      if (/\.(csv|zip)$/i.test(entry.name)) out.push(await new Promise((ok, fail) => entry.file(ok, fail)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

async function takeFiles(list) {
  if (list.length === 0) return;
  files = list;
  $('me').value = '';
  await sortFiles();
}

const nextPaint = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));

async function sortFiles(me) {
  const received = performance.now();
  performance.mark('nopitch:files');
  setStatus(`Reading ${files.map((f) => f.name).join(', ')}\u2026`);
  await ready;
  // Timed from here: the files in hand and the page ready.
  const start = performance.now();
  const exported = new Export();
  try {
    for (const f of files) exported.add(f.name, new Uint8Array(await f.arrayBuffer()));
    const read = performance.now();
    const report = JSON.parse(exported.triage(me || undefined));
    const sorted = performance.now();
    render(report);
    const built = performance.now();
    await nextPaint();
    const shown = performance.now();
    performance.mark('nopitch:verdicts');
    performance.measure('nopitch:sort', {
      start,
      end: shown,
      detail: { waited: start - received, read: read - start, triage: sorted - read, render: shown - sorted, build: built - sorted },
    });
    setStatus(`Sorted in ${Math.round(shown - start)} ms, here in your browser.`);
  } catch (e) {
    $('result').hidden = true;
    setStatus(e && e.message ? e.message : String(e), true);
  } finally {
    exported.free();
  }
}

$('files').addEventListener('change', (event) => {
  const picked = [...event.target.files];
  event.target.value = '';
  takeFiles(picked);
});

// Anywhere on the page: a drop that misses the box must not open the file instead.
window.addEventListener('dragover', (event) => {
  event.preventDefault();
  $('drop').classList.add('over');
});
window.addEventListener('dragleave', (event) => {
  if (!event.relatedTarget) $('drop').classList.remove('over');
});
window.addEventListener('drop', async (event) => {
  event.preventDefault();
  $('drop').classList.remove('over');
  takeFiles(await filesFromDrop(event.dataTransfer));
});

$('owner-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sortFiles($('me').value.trim());
});

// ---------------------------------------------------------------- the report

function render(report) {
  $('result').hidden = false;
  conversationsById = new Map((report.conversations?.items ?? []).map((c) => [c.id, c]));
  replyPlaceholder = report.reply_placeholder;

  const summary = $('summary');
  summary.replaceChildren();
  if (report.invitations) {
    const i = report.invitations;
    const line = el('span', 'line', `${i.source}: ${i.rows} invitations, ${i.incoming} incoming`);
    line.dataset.summary = 'invitations';
    summary.append(line);
  }
  if (report.conversations) {
    const c = report.conversations;
    const line = el('span', 'line',
      `${c.source}: ${c.messages} messages in ${c.conversations} conversations; owner ${report.owner.name} (${report.owner.how})`);
    line.dataset.summary = 'conversations';
    summary.append(line);
  }
  $('owner-form').hidden = !report.owner.doubtful;

  const ignored = $('ignored');
  ignored.hidden = report.ignored.length === 0;
  ignored.replaceChildren();
  if (report.ignored.length) {
    const details = el('details');
    details.append(el('summary', null, `${report.ignored.length} other file(s) left aside`));
    for (const why of report.ignored) details.append(el('div', 'muted', why));
    ignored.append(details);
  }

  if (!$('reply').value) $('reply').value = report.reply;

  const downloads = $('downloads');
  downloads.replaceChildren();
  if (report.invitations) downloads.append(downloadButton('Download invitations (CSV)', 'invitations_triaged.csv', report.invitations.csv, 'invitations'));
  if (report.conversations) downloads.append(downloadButton('Download conversations (CSV)', 'conversations_triaged.csv', report.conversations.csv, 'conversations'));

  const kinds = [];
  if (report.invitations) kinds.push(['invitations', 'Invitations', report.invitations.rows, report.invitations, invitationCard]);
  if (report.conversations) kinds.push(['conversations', 'Conversations', report.conversations.conversations, report.conversations, conversationCard]);
  const tabs = $('tabs');
  const lists = $('lists');
  tabs.replaceChildren();
  lists.replaceChildren();
  for (const [kind, title, count, part, card] of kinds) {
    const tab = el('button', 'tab', `${title} \u00b7 ${count}`);
    tab.type = 'button';
    tab.setAttribute('role', 'tab');
    tab.dataset.tab = kind;
    tab.addEventListener('click', () => showTab(kind));
    tabs.append(tab);
    lists.append(listPanel(kind, part, card));
  }
  showTab(kinds[0][0]);
}

function showTab(kind) {
  for (const tab of $('tabs').children) tab.setAttribute('aria-selected', String(tab.dataset.tab === kind));
  for (const panel of $('lists').children) panel.hidden = panel.dataset.kind !== kind;
}

function listPanel(kind, part, makeCard) {
  const panel = el('div', 'panel');
  panel.dataset.kind = kind;
  panel.setAttribute('role', 'tabpanel');

  const counts = el('ul', 'counts');
  for (const [section, n] of part.counts) {
    const li = el('li');
    const pill = el('a', `pill s-${section}`);
    pill.href = `#${kind}-${section}`;
    pill.dataset.section = section;
    pill.dataset.count = String(n);
    pill.append(el('b', null, String(n)), document.createTextNode(` ${SECTIONS[section].title.toLowerCase()}`));
    li.append(pill);
    counts.append(li);
  }
  panel.append(counts);

  const bySection = new Map();
  for (const item of part.items) {
    if (!bySection.has(item.section)) bySection.set(item.section, []);
    bySection.get(item.section).push(item);
  }
  for (const [section, meta] of Object.entries(SECTIONS)) {
    const items = bySection.get(section) ?? [];
    const unreadableRows = kind === 'conversations' && section === 'unreadable' ? part.unreadable : [];
    if (items.length === 0 && unreadableRows.length === 0) continue;
    const box = el('details', `section s-${section}`);
    box.open = meta.open;
    box.id = `${kind}-${section}`;
    box.dataset.section = section;
    const head = el('summary');
    head.append(el('h2', null, meta.title), el('span', 'count', String(items.length + unreadableRows.length)), el('span', 'hint', meta.hint));
    box.append(head);
    const cards = el('div', 'cards');
    box.append(cards);
    let shown = 0;
    const more = el('button', 'button more');
    more.type = 'button';
    more.hidden = true;
    const showMore = () => {
      const next = items.slice(shown, shown + PAGE);
      for (const item of next) cards.append(makeCard(item));
      shown += next.length;
      more.hidden = shown >= items.length;
      more.textContent = `Show ${Math.min(PAGE, items.length - shown)} more of ${items.length - shown}`;
    };
    more.addEventListener('click', showMore);
    // Closed sections get their cards when first opened.
    const fill = () => {
      if (box.dataset.filled) return;
      box.dataset.filled = 'true';
      showMore();
      for (const row of unreadableRows) cards.append(el('div', 'card unreadable-row', row));
    };
    box.showAll = () => {
      fill();
      while (shown < items.length) showMore();
    };
    if (box.open) fill();
    else box.addEventListener('toggle', () => { if (box.open) fill(); });
    box.append(more);
    panel.append(box);
  }
  return panel;
}

function badge(text, kind) {
  return el('span', `badge ${kind ?? ''}`, text);
}

function cardHead(card, name, profileUrl, badges, date) {
  const head = el('div', 'card-head');
  const who = el('span', 'who', name || '(no name)');
  head.append(who);
  if (profileUrl && /^https:\/\/([a-z]+\.)?linkedin\.com\//i.test(profileUrl)) {
    const link = el('a', 'profile', 'profile \u2197');
    link.href = profileUrl;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    head.append(link);
  }
  for (const b of badges) if (b) head.append(b);
  if (date) head.append(el('span', 'date', date));
  card.append(head);
}

function verdictBadges(item) {
  const out = [badge(item.action, `action-${item.action}`)];
  const p = percent(item.confidence);
  if (p) out.push(badge(item.unsure ? `leaning ${item.category} ${p}` : p, 'confidence'));
  return out;
}

function copyButton() {
  const button = el('button', 'button copy', 'Copy reply');
  button.type = 'button';
  button.addEventListener('click', async () => {
    const text = $('reply').value;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = el('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy reply'; }, 1500);
  });
  return button;
}

/** The other party's first message of a conversation (or its first, if they wrote none). */
function openingTurn(conversation) {
  return conversation.turns.find((t) => !t.by_owner && t.text.trim()) ?? conversation.turns[0];
}

function messageBlock(turn, className) {
  const block = el('div', className);
  if (turn.subject) block.append(el('div', 'subject', turn.subject));
  block.append(el('p', 'text', turn.text));
  return block;
}

/** What nopitch read of a conversation, evidence marked; its first message when it read none. */
function readBlock(conversation) {
  if (!conversation.text.trim()) {
    const opening = openingTurn(conversation);
    return opening ? messageBlock(opening, 'quoted') : null;
  }
  const block = el('div', 'quoted');
  const text = el('p', 'text');
  putMarked(text, conversation.text, conversation.marks);
  block.append(text);
  return block;
}

function invitationCard(item) {
  const card = el('article', `card s-${item.section}`);
  Object.assign(card.dataset, {
    kind: 'invitation', row: String(item.row), section: item.section, category: item.category,
    unsure: item.unsure ? 'yes' : '', confidence: item.confidence, action: item.action,
  });
  const badges = item.section === 'outgoing' ? [] : verdictBadges(item);
  if (item.source) badges.push(badge(SOURCES[item.source] ?? item.source, 'source'));
  cardHead(card, item.section === 'outgoing' ? `To ${item.to}` : item.from, item.profile_url, badges, item.date);

  if (item.section === 'unreadable') {
    card.append(el('p', 'problem', item.evidence));
    return card;
  }
  if (item.note) {
    const note = el('p', 'text note');
    putMarked(note, item.note, item.note_marks);
    card.append(note);
  } else if (item.section !== 'outgoing') {
    card.append(el('p', 'muted', 'No note.'));
  }
  const conversation = item.conversation ? conversationsById.get(item.conversation) : null;
  if (conversation) {
    const link = el('p', 'linked');
    const a = el('a', null, `Their conversation (${conversation.messages} message${conversation.messages === 1 ? '' : 's'})`);
    a.href = `#c-${conversation.id}`;
    a.addEventListener('click', (event) => { event.preventDefault(); showConversation(conversation.id); });
    link.append(a, document.createTextNode(`: ${conversation.category}${conversation.reasons.length ? ' \u2014 ' + conversation.reasons.join('; ') : ''}`));
    card.append(link);
    if (!item.note || item.source === 'note+conversation') {
      const read = readBlock(conversation);
      if (read) card.append(read);
    }
  }
  if (item.note_words.length) card.append(el('p', 'why', `Words that decided: ${item.note_words.join(' \u00b7 ')}`));
  if (item.action === 'decline') card.append(copyButton());
  return card;
}

function conversationCard(item) {
  const card = el('article', `card s-${item.section}`);
  card.id = `c-${item.id}`;
  Object.assign(card.dataset, {
    kind: 'conversation', id: item.id, section: item.section, category: item.category,
    unsure: item.unsure ? 'yes' : '', confidence: item.confidence, action: item.action,
    followUps: String(item.follow_ups),
  });
  const badges = verdictBadges(item);
  badges.push(badge(`${item.messages} message${item.messages === 1 ? '' : 's'}`, 'source'));
  if (item.follow_ups) badges.push(badge(`${item.follow_ups} unanswered follow-up${item.follow_ups === 1 ? '' : 's'}${item.last_follow_up ? ', last ' + item.last_follow_up.slice(0, 10) : ''}`, 'follow-ups'));
  cardHead(card, item.sender, item.profile_url, badges, item.last_date.slice(0, 16));
  if (item.title) card.append(el('div', 'title', item.title));
  if (item.reasons.length) card.append(el('p', 'reasons', item.reasons.join(' \u00b7 ')));
  const read = readBlock(item);
  if (read) card.append(read);
  if (item.turns.length > 0) {
    const all = el('details', 'thread');
    all.append(el('summary', null, `All ${item.messages} messages`));
    all.addEventListener('toggle', () => {
      if (!all.open || all.dataset.filled) return;
      all.dataset.filled = 'true';
      for (const turn of item.turns) {
        const block = messageBlock(turn, turn.by_owner ? 'turn mine' : 'turn');
        block.prepend(el('div', 'turn-head', `${turn.by_owner ? 'You' : turn.from} \u00b7 ${turn.date}`));
        all.append(block);
      }
      if (item.more_turns) all.append(el('p', 'muted', `\u2026 and ${item.more_turns} more (in your export).`));
    });
    card.append(all);
  }
  if (item.words.length) card.append(el('p', 'why', `Words that decided: ${item.words.join(' \u00b7 ')}`));
  if (item.action === 'decline') card.append(copyButton());
  return card;
}

function showConversation(id) {
  showTab('conversations');
  let card = document.getElementById(`c-${id}`);
  if (!card) {
    for (const box of document.querySelectorAll('.panel[data-kind="conversations"] .section')) {
      box.open = true;
      box.showAll?.();
    }
    card = document.getElementById(`c-${id}`);
  }
  if (!card) return;
  card.closest('details').open = true;
  card.scrollIntoView({ block: 'center' });
  card.classList.add('flash');
  setTimeout(() => card.classList.remove('flash'), 1500);
}

function downloadButton(label, fileName, csv, kind) {
  const button = el('button', 'button', label);
  button.type = 'button';
  button.dataset.download = kind;
  button.addEventListener('click', () => {
    // The reply column gets the reply as it stands in the box.
    const text = replyPlaceholder ? csv.split(replyPlaceholder).join(csv_field($('reply').value)) : csv;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const a = el('a');
    a.href = url;
    a.download = fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  return button;
}

// ---------------------------------------------------------------- one note

async function renderNote() {
  await ready;
  const out = $('note-verdict');
  out.replaceChildren();
  const text = $('note').value;
  if (!text.trim()) return;
  const v = JSON.parse(classify(text));
  out.dataset.label = v.label;
  out.dataset.confidence = v.confidence.toFixed(3);
  out.dataset.unsure = String(v.unsure);
  const head = el('p', 'verdict');
  head.append(el('strong', `label s-${v.label}`, v.unsure ? `${v.label}? (unsure)` : v.label),
    document.createTextNode(` ${percent(v.confidence)} \u00b7 ${v.action}`));
  out.append(head);
  const table = el('div', 'probabilities');
  for (const [label, p] of v.probabilities) {
    const meter = el('meter');
    meter.min = 0;
    meter.max = 1;
    meter.value = p;
    table.append(el('span', null, label), meter, el('span', 'muted', percent(p)));
  }
  out.append(table);
  const marked = el('p', 'text note');
  putMarked(marked, text, v.marks);
  out.append(marked);
  if (v.evidence.length) {
    out.append(el('p', 'why', `Words that decided: ${v.evidence.map((e) => `${e.text} (+${e.weight.toFixed(1)})`).join(' \u00b7 ')}`));
  } else {
    out.append(el('p', 'muted', 'Nothing in it that the model knows: unsure.'));
  }
}

$('note').addEventListener('input', renderNote);
