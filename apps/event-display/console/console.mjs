// The web console: plain ES modules, no framework, no build step, nothing from a CDN. It talks to
// event-display only: GET /events and /events/stream (Live), /console/flow (Flow),
// /console/deployments and POST /console/send (Send), /console/dead-letters and
// POST /console/dead-letters/resend (Dead letters).

/** An element with attributes and children; text is always set as text, never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) el.append(child instanceof Node ? child : String(child));
  return el;
}

const $ = (selector) => document.querySelector(selector);
const clock = (date = new Date()) => date.toLocaleTimeString([], { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');

async function getJson(url, init) {
  const res = await fetch(url, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${url} answered ${res.status}`);
  return body;
}

// ---- Tabs ----

const pollers = {};
function showTab(name) {
  for (const button of document.querySelectorAll('nav button')) button.setAttribute('aria-selected', String(button.dataset.tab === name));
  for (const panel of document.querySelectorAll('main > section')) panel.hidden = panel.id !== name;
  location.hash = name;
  pollers[name]?.();
}
for (const button of document.querySelectorAll('nav button')) button.addEventListener('click', () => showTab(button.dataset.tab));

// ---- Predictions: the three protocols' answers as classes and probabilities ----

/**
 * Seldon v1 `{"data":{"names":[...],"ndarray":[[...]]}}` (or `tensor.values`), V2
 * `{"outputs":[{"data":[...]}]}` and TensorFlow `{"predictions":[[...]]}`: the first row's
 * numbers, with the names the answer gives, else the class index.
 */
export function predictionOf(data) {
  if (!data || typeof data !== 'object') return undefined;
  let names;
  let row;
  if (data.data && typeof data.data === 'object') {
    names = data.data.names;
    row = Array.isArray(data.data.ndarray) ? data.data.ndarray[0] : data.data.tensor?.values;
  } else if (Array.isArray(data.outputs)) {
    const [output] = data.outputs;
    const width = Array.isArray(output?.shape) ? output.shape[output.shape.length - 1] : undefined;
    row = Array.isArray(output?.data) ? output.data.slice(0, width ?? output.data.length) : undefined;
  } else if (Array.isArray(data.predictions)) {
    row = data.predictions[0];
  }
  if (!Array.isArray(row) || row.length === 0 || !row.every((p) => typeof p === 'number')) return undefined;
  return row.map((p, i) => ({ name: Array.isArray(names) && names[i] !== undefined ? String(names[i]) : `class ${i}`, p }));
}

function predictionTable(classes) {
  const top = Math.max(...classes.map((c) => c.p));
  return h(
    'table',
    { class: 'prediction' },
    h('tbody', {}, classes.map(({ name, p }) =>
      h('tr', { class: p === top ? 'class top' : 'class' },
        h('td', { class: 'name' }, name),
        h('td', { class: 'bar' }, h('div', { style: `width:${Math.max(0, Math.min(1, p)) * 100}%` })),
        h('td', { class: 'p' }, p.toFixed(4)),
      ),
    )),
  );
}

// ---- Live ----

const isRequest = (e) => typeof e.type === 'string' && e.type.endsWith('.request');
const isResponse = (e) => typeof e.type === 'string' && e.type.endsWith('.response');
/** Requests by puid, responses by id: a response's id is its request's Seldon-Puid. */
const requests = new Map();
const responses = new Map();
const seen = new Set();
let liveFilter = {};
let stream;

function matches(event) {
  return Object.entries(liveFilter).every(([name, value]) => !value || event[name] === value);
}

function eventRow(event, { at, sentAt } = {}) {
  const prediction = isResponse(event) ? predictionOf(event.data) : undefined;
  const failed = isResponse(event) && event.data && (event.data.status?.status === 'FAILURE' || event.data.error !== undefined);
  const row = h(
    'li',
    { class: `event ${isRequest(event) ? 'request' : ''} ${isResponse(event) ? 'response' : ''} ${failed ? 'failed' : ''}`, 'data-id': event.id, 'data-type': event.type },
    h('div', { class: 'head' },
      h('span', { class: 'type' }, event.type),
      h('span', { class: 'meta' }, `source ${event.source}`),
      h('span', { class: 'meta' }, `id ${event.id}`),
      h('span', { class: 'meta' }, at ? clock(new Date(at)) : 'from history'),
      h('span', { class: 'pair' }),
    ),
    prediction ? predictionTable(prediction) : undefined,
    h('details', {}, h('summary', {}, 'raw'), h('pre', {}, JSON.stringify(event, null, 2))),
  );
  row.receivedAt = at;
  row.sentAt = sentAt;
  return row;
}

/** Writes on a request row and its response row how they pair, and the time between. */
function pair(puid) {
  const request = requests.get(puid);
  const response = responses.get(puid);
  if (request && !response) {
    const note = request.querySelector('.pair');
    note.className = 'pair waiting';
    note.textContent = 'waiting for its response…';
    return;
  }
  if (!request || !response) return;
  const started = request.sentAt ?? request.receivedAt;
  const ms = started && response.receivedAt ? ` after ${Math.round(response.receivedAt - started)} ms` : '';
  request.querySelector('.pair').className = 'pair';
  request.querySelector('.pair').textContent = `answered by ${puid}${ms}`;
  response.querySelector('.pair').textContent = `answers request ${request.dataset.id}${ms}`;
  response.dataset.latencyMs = started && response.receivedAt ? String(Math.round(response.receivedAt - started)) : '';
}

/** Shows an event at the top of Live (or, from history, at the bottom); each event once. */
function showEvent(event, options = {}) {
  const key = `${event.source}\u0000${event.id}\u0000${event.type}`;
  if (seen.has(key)) return;
  seen.add(key);
  if (!matches(event) && !options.sentAt) return;
  const row = eventRow(event, options);
  const list = $('#live-events');
  if (options.fromHistory) list.append(row);
  else list.prepend(row);
  if (isRequest(event) && event.seldonpuid) {
    requests.set(event.seldonpuid, row);
    pair(event.seldonpuid);
  } else if (isResponse(event)) {
    responses.set(event.id, row);
    pair(event.id);
    onResponse(event, row);
  }
}

function connect() {
  stream?.close();
  const query = new URLSearchParams(Object.entries(liveFilter).filter(([, v]) => v)).toString();
  stream = new EventSource(`/events/stream${query ? `?${query}` : ''}`);
  stream.onopen = () => {
    $('#stream-state').textContent = 'live';
    $('#stream-state').className = 'state live';
  };
  stream.onerror = () => {
    $('#stream-state').textContent = 'reconnecting…';
    $('#stream-state').className = 'state';
  };
  stream.onmessage = (message) => showEvent(JSON.parse(message.data), { at: performance.timeOrigin + performance.now() });
  // The stream gives what comes from now on; the recent past comes from the history, once.
  getJson(`/events?limit=50${query ? `&${query}` : ''}`).then((events) => {
    for (const event of events.reverse()) showEvent(event, { fromHistory: true });
  });
}

$('#live-filter').addEventListener('submit', (e) => {
  e.preventDefault();
  liveFilter = Object.fromEntries(new FormData(e.target));
  clearLive();
  connect();
});
function clearLive() {
  $('#live-events').replaceChildren();
  seen.clear();
  requests.clear();
  responses.clear();
}
$('#live-clear').addEventListener('click', clearLive);

// ---- Send ----

/** The seed's features (README); the iris model answers t:2 for them. */
const SAMPLE = [1, 2, 3, 4];
/** The iris request in each protocol (docs/predictors.md). */
function sampleBody(deployment) {
  switch (deployment.protocol) {
    case 'tensorflow':
      return { instances: [SAMPLE] };
    case 'v2':
      return { inputs: [{ name: 'predict', shape: [1, 4], datatype: 'FP64', data: SAMPLE }] };
    default:
      return { data: { ndarray: [SAMPLE] } };
  }
}

let deployments = [];
let awaited;

async function loadDeployments() {
  deployments = await getJson('/console/deployments');
  const select = $('#send-deployment');
  select.replaceChildren(...deployments.map((d) => h('option', { value: d.ref }, `${d.ref} (${d.protocol})`)));
  const seed = deployments.find((d) => d.name === 'iris-deployment');
  if (seed) select.value = seed.ref;
  chooseDeployment();
}
function chooseDeployment() {
  const deployment = deployments.find((d) => d.ref === $('#send-deployment').value);
  if (!deployment) return;
  $('#send-protocol').textContent = `protocol ${deployment.protocol}, model ${deployment.model}`;
  $('#send-payload').value = JSON.stringify(sampleBody(deployment), null, 2);
}
$('#send-deployment').addEventListener('change', chooseDeployment);

$('#send-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const result = $('#send-result');
  let payload;
  try {
    payload = JSON.parse(form.get('payload'));
  } catch (err) {
    result.replaceChildren(h('p', { class: 'error' }, `The request body is not JSON: ${err.message}`));
    return;
  }
  const sentAt = performance.timeOrigin + performance.now();
  $('#send-button').disabled = true;
  try {
    const sent = await getJson('/console/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deployment: form.get('deployment'), via: form.get('via'), payload }),
    });
    awaited = sent.puid;
    result.replaceChildren(
      h('p', { class: 'note', 'data-puid': sent.puid }, `Sent ${sent.event.type} through the ${sent.via === 'ingress' ? 'ingress-adapter' : 'broker'}, puid ${sent.puid}. Waiting for its response…`),
    );
    showEvent(sent.event, { at: sentAt, sentAt });
    const response = responses.get(sent.puid);
    if (response) onResponse(JSON.parse(response.querySelector('pre').textContent), response);
  } catch (err) {
    result.replaceChildren(h('p', { class: 'error' }, `Not sent: ${err.message}`));
  } finally {
    $('#send-button').disabled = false;
  }
});

/** The Send tab shows the response to what it sent last. */
function onResponse(event, row) {
  if (event.id !== awaited) return;
  const prediction = predictionOf(event.data);
  $('#send-result').replaceChildren(
    h('div', { class: 'event response', 'data-id': event.id },
      h('div', { class: 'head' }, h('span', { class: 'type' }, event.type), h('span', { class: 'pair' }, row.querySelector('.pair').textContent)),
      prediction ? predictionTable(prediction) : h('pre', {}, JSON.stringify(event.data, null, 2)),
      h('details', {}, h('summary', {}, 'raw'), h('pre', {}, JSON.stringify(event, null, 2))),
    ),
  );
}

// ---- Flow ----

function filterText(trigger) {
  if (trigger.filters?.length) return JSON.stringify(trigger.filters);
  const attributes = trigger.filter?.attributes ?? {};
  const pairs = Object.entries(attributes).map(([k, v]) => `${k} = ${v === '' ? '(any)' : v}`);
  return pairs.length ? pairs.join('\n') : 'every event';
}

const rate = (r) => (r === null || r === undefined ? '–' : `${r.toFixed(1)}/s`);

function triggerBox(t) {
  const c = t.counts;
  return h('div', { class: `box trigger ${t.ready ? 'ready' : 'not-ready'}`, 'data-trigger': t.name },
    h('h3', {}, `${t.namespace}/${t.name}`),
    h('div', { class: 'status' }, t.ready ? 'ready' : 'not ready'),
    t.reason ? h('div', { class: 'error' }, t.reason) : undefined,
    h('pre', { class: 'filter' }, filterText(t)),
    h('div', { class: 'counts' },
      h('span', {}, 'delivered ', h('b', { class: 'delivered' }, c.delivered)),
      h('span', { class: c.failed ? 'bad' : '' }, 'failed ', h('b', { class: 'failed' }, c.failed)),
      h('span', { class: c.deadLettered ? 'bad' : '' }, 'dead-lettered ', h('b', { class: 'dead-lettered' }, c.deadLettered)),
      c.lost ? h('span', { class: 'bad' }, 'lost ', h('b', {}, c.lost)) : undefined,
      h('span', {}, 'rate ', h('b', { class: 'rate' }, rate(c.rate))),
    ),
    t.delivery?.deadLetterSink ? h('div', { class: 'note' }, `dead letters → ${[t.delivery.deadLetterSink.ref?.name, t.delivery.deadLetterSink.uri].filter(Boolean).join(' ')}`) : undefined,
  );
}

async function refreshFlow() {
  let flow;
  try {
    flow = await getJson('/console/flow');
  } catch (err) {
    $('#flow-diagram').replaceChildren(h('p', { class: 'error' }, err.message));
    return;
  }
  $('#flow-services').replaceChildren(
    h('span', { class: 'note' }, `${flow.backend} backend:`),
    ...flow.services.map((s) => h('span', { class: `service ${s.reachable ? '' : 'down'}`, title: s.error ?? s.url }, `${s.name} ${s.reachable ? 'up' : 'unreachable'}`)),
  );
  const cells = [];
  for (const broker of flow.brokers) {
    const triggers = flow.triggers.filter((t) => t.namespace === broker.namespace && t.broker === broker.name);
    triggers.forEach((t, i) => {
      // The broker's box spans its Triggers' rows: the grid places the next rows' boxes beside it.
      if (i === 0) cells.push(h('div', { class: 'box broker', style: `grid-row: span ${triggers.length}` }, h('h3', {}, 'Broker'), `${broker.namespace}/${broker.name}`, h('div', { class: 'note' }, `${triggers.length} Triggers`)));
      cells.push(h('div', { class: 'arrow' }, '→'), triggerBox(t), h('div', { class: 'arrow' }, '→'),
        h('div', { class: 'box subscriber-box' },
          h('h3', {}, t.servedBy ?? 'not served'),
          h('div', { class: 'subscriber' }, t.subscriber ?? 'unresolved'),
        ),
      );
    });
  }
  $('#flow-diagram').replaceChildren(...cells);
}

// ---- Dead letters ----

async function refreshDeadLetters() {
  const letters = await getJson('/console/dead-letters');
  const count = $('#dead-letter-count');
  count.hidden = letters.length === 0;
  count.textContent = String(letters.length);
  $('#no-dead-letters').hidden = letters.length > 0;
  $('#resend-all').disabled = letters.length === 0;
  $('#dead-letter-rows').replaceChildren(
    ...letters.map((l) =>
      h('tr', { 'data-seq': l.seq, 'data-id': l.event.id },
        h('td', {}, l.seq),
        h('td', {}, clock(new Date(l.receivedAt))),
        h('td', {}, h('div', {}, l.event.type), h('div', { class: 'note' }, `id ${l.event.id}`), h('details', {}, h('summary', {}, 'raw'), h('pre', {}, JSON.stringify(l.event, null, 2)))),
        h('td', { class: 'code' }, l.code ?? ''),
        h('td', { class: 'data' }, l.dest ?? ''),
        h('td', { class: 'data errordata' }, l.data ?? ''),
        h('td', {}, h('button', { type: 'button', class: 'resend', onclick: () => resend(l.seq) }, 'Re-send')),
      ),
    ),
  );
}

async function resend(seq) {
  const note = $('#resend-result');
  try {
    const result = await getJson('/console/dead-letters/resend', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...(seq === undefined ? {} : { seq }), via: $('#resend-via').value }),
    });
    note.textContent = `re-sent ${result.resent.length}` + (result.failed.length ? `, ${result.failed.length} failed: ${result.failed[0].error}` : '');
    note.className = result.failed.length ? 'note error' : 'note';
  } catch (err) {
    note.textContent = `not re-sent: ${err.message}`;
    note.className = 'note error';
  }
  await refreshDeadLetters();
}
$('#resend-all').addEventListener('click', () => resend());

// ---- Start ----

/** Polls `refresh` every 2 s while its tab is shown (and the dead-letter count always). */
function poll(tab, refresh, always = false) {
  pollers[tab] = refresh;
  setInterval(() => {
    if (always || !$(`#${tab}`).hidden) refresh().catch(() => {});
  }, 2000);
}
poll('flow', refreshFlow);
poll('dead-letters', refreshDeadLetters, true);
connect();
loadDeployments().catch((err) => $('#send-result').replaceChildren(h('p', { class: 'error' }, `No deployments: ${err.message}`)));
refreshDeadLetters().catch(() => {});
showTab(['live', 'flow', 'send', 'dead-letters'].includes(location.hash.slice(1)) ? location.hash.slice(1) : 'live');
