// The trading page: one WebSocket to exchange-web (PROTOCOL.md), the book kept from snapshots and increments, the
// candles drawn by lightweight-charts, order entry and the account's private channels once logged in.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  ws: null, symbols: [], symbol: null, interval: '1m', token: sessionStorage.getItem('token'), account: null,
  bids: new Map(), asks: new Map(), version: -1, orders: new Map(), requests: 0,
};
const LADDER_DEPTH = 12;

// ---- candles ----
const chart = LightweightCharts.createChart($('candles'), {
  autoSize: true,
  layout: { background: { color: '#171d24' }, textColor: '#d6dde6' },
  grid: { vertLines: { color: '#26303b' }, horzLines: { color: '#26303b' } },
  timeScale: { timeVisible: true, secondsVisible: false },
});
const candles = chart.addSeries(LightweightCharts.CandlestickSeries, {
  upColor: '#2ebd85', downColor: '#f6465d', borderVisible: false, wickUpColor: '#2ebd85', wickDownColor: '#f6465d',
});
const bar = (c) => ({ time: c.start, open: +c.open, high: +c.high, low: +c.low, close: +c.close });

// ---- connection ----
function send(message) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(message));
}
function request(message) {
  const requestId = `r${++state.requests}`;
  send({ ...message, requestId });
  return requestId;
}

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  state.ws = ws;
  setStatus('connecting');
  ws.onopen = () => setStatus('live');
  ws.onclose = () => { setStatus('closed'); setTimeout(connect, 2000); };
  ws.onmessage = (event) => handle(JSON.parse(event.data));
}

function setStatus(text) {
  $('status').textContent = text;
  $('status').dataset.state = text;
}

function subscribePublic() {
  const s = state.symbol;
  send({ type: 'subscribe', channel: 'book', symbol: s, depth: 0 });
  send({ type: 'subscribe', channel: 'trades', symbol: s });
  send({ type: 'subscribe', channel: 'ticker', symbol: s });
  send({ type: 'subscribe', channel: 'candles', symbol: s, interval: state.interval });
}

function unsubscribePublic() {
  const s = state.symbol;
  for (const channel of ['book', 'trades', 'ticker']) send({ type: 'unsubscribe', channel, symbol: s });
  send({ type: 'unsubscribe', channel: 'candles', symbol: s, interval: state.interval });
}

// ---- frames ----
function handle(f) {
  switch (f.type) {
    case 'hello':
      state.symbols = f.symbols;
      fillSymbols();
      subscribePublic();
      if (state.token) send({ type: 'auth', requestId: 'login', token: state.token });
      break;
    case 'book': onBook(f); break;
    case 'trades': $('tape').replaceChildren(); f.trades.forEach(addTrade); break;
    case 'trade': if (f.symbol === state.symbol) addTrade(f); break;
    case 'ticker': if (f.symbol === state.symbol) onTicker(f); break;
    case 'candles': if (f.symbol === state.symbol && f.interval === state.interval) candles.setData(f.candles.map(bar)); break;
    case 'candle': if (f.symbol === state.symbol && f.interval === state.interval) candles.update(bar(f.candle)); break;
    case 'authenticated': onLogin(f); break;
    case 'orders': state.orders = new Map(f.orders.map((o) => [o.clientOrderId, o])); renderOrders(); break;
    case 'order': onOrder(f); break;
    case 'fills': $('fills').replaceChildren(); f.fills.forEach(addFill); break;
    case 'fill': addFill(f); break;
    case 'balances': $('balances').replaceChildren(); f.balances.forEach(setBalance); break;
    case 'balance': setBalance(f); break;
    case 'ack': result(`${f.op} done${f.clientOrderId ? ` (order ${f.clientOrderId})` : ''}${f.cancelledCount !== undefined ? `: ${f.cancelledCount} cancelled` : ''}`, false); break;
    case 'reject': result(`${f.op} rejected: ${f.reason}`, true); break;
    case 'error':
      if (f.requestId === 'login') { logout(); result(`login failed: ${f.reason}`, true); } else result(`${f.code}: ${f.reason}`, true);
      break;
    case 'lagged': result('this page fell behind; resynchronising', true); break;
  }
}

function onBook(f) {
  if (f.symbol !== state.symbol) return;
  if (f.snapshot) { state.bids.clear(); state.asks.clear(); }
  else if (state.version >= 0 && f.version !== state.version + 1) {
    // A gap: ask for a fresh snapshot by subscribing again.
    send({ type: 'subscribe', channel: 'book', symbol: state.symbol, depth: 0 });
  }
  state.version = f.version;
  for (const [price, quantity, count] of f.bids) setLevel(state.bids, price, quantity, count);
  for (const [price, quantity, count] of f.asks) setLevel(state.asks, price, quantity, count);
  renderBook();
}

function setLevel(side, price, quantity, count) {
  if (+quantity === 0) side.delete(price); else side.set(price, { price, quantity, count });
}

function sorted(side, descending) {
  return [...side.values()].sort((a, b) => descending ? b.price - a.price : a.price - b.price);
}

function renderBook() {
  const bids = sorted(state.bids, true), asks = sorted(state.asks, false);
  const row = (l, cls) => {
    const tr = document.createElement('tr');
    tr.className = cls;
    tr.dataset.price = l.price;
    tr.innerHTML = `<td>${l.price}</td><td>${trim(l.quantity)}</td><td>${l.count}</td>`;
    tr.onclick = () => { $('price').value = l.price; };
    return tr;
  };
  $('asks').replaceChildren(...asks.slice(0, LADDER_DEPTH).reverse().map((l) => row(l, 'ask')));
  $('bids').replaceChildren(...bids.slice(0, LADDER_DEPTH).map((l) => row(l, 'bid')));
  $('spread-cell').textContent = bids.length && asks.length ? `spread ${asks[0].price - bids[0].price}` : '—';
  drawDepth(bids, asks);
}

// Cumulative quantity against price, as steps, over the best DEPTH_LEVELS levels a side, bids left and asks right.
const DEPTH_LEVELS = 40;
function drawDepth(allBids, allAsks) {
  const canvas = $('depth');
  const w = canvas.width = canvas.clientWidth * devicePixelRatio, h = canvas.height = canvas.clientHeight * devicePixelRatio;
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, w, h);
  const bids = allBids.slice(0, DEPTH_LEVELS), asks = allAsks.slice(0, DEPTH_LEVELS);
  if (!bids.length && !asks.length) return;
  const cum = (levels) => { let total = 0; return levels.map((l) => ({ price: +l.price, total: (total += +l.quantity) })); };
  const b = cum(bids), a = cum(asks);
  const prices = [...b, ...a].map((p) => p.price);
  const lo = Math.min(...prices), hi = Math.max(...prices), top = Math.max(b.at(-1)?.total || 0, a.at(-1)?.total || 0);
  const x = (p) => hi === lo ? w / 2 : 2 + (p - lo) / (hi - lo) * (w - 4), y = (t) => h - t / top * (h - 4);
  const steps = (points, color) => {
    if (!points.length) return;
    g.beginPath();
    g.moveTo(x(points[0].price), h);
    let previous = 0;
    for (const p of points) { g.lineTo(x(p.price), y(previous)); g.lineTo(x(p.price), y(p.total)); previous = p.total; }
    g.lineTo(x(points.at(-1).price), h);
    g.closePath();
    g.fillStyle = color + '44';
    g.strokeStyle = color;
    g.fill();
    g.stroke();
  };
  steps(b, '#2ebd85');
  steps(a, '#f6465d');
}

function addTrade(t) {
  const tr = document.createElement('tr');
  tr.innerHTML = `<td class="${t.side}">${t.price}</td><td>${trim(t.quantity)}</td><td>${new Date(t.time / 1e6).toLocaleTimeString()}</td>`;
  $('tape').prepend(tr);
  while ($('tape').children.length > 50) $('tape').lastChild.remove();
}

function onTicker(t) {
  $('ticker').textContent = `bid ${t.bid ?? '—'}  ask ${t.ask ?? '—'}  last ${t.last ?? '—'}${t.status === 'halted' ? '  HALTED' : ''}`;
}

// ---- account ----
function onLogin(f) {
  state.account = f.account;
  $('login').hidden = true;
  $('whoami').hidden = false;
  $('whoami').textContent = `${f.subject} (account ${f.account})`;
  $('logout').hidden = false;
  $('submit-order').disabled = false;
  $('cancel-all').disabled = false;
  for (const channel of ['orders', 'fills', 'balances']) send({ type: 'subscribe', channel });
}

function logout() {
  state.token = null;
  state.account = null;
  sessionStorage.removeItem('token');
  if (state.ws) state.ws.close();
  $('login').hidden = false;
  $('whoami').hidden = true;
  $('logout').hidden = true;
  $('submit-order').disabled = true;
  $('cancel-all').disabled = true;
  for (const id of ['open-orders', 'fills', 'balances']) $(id).replaceChildren();
}

function onOrder(f) {
  const o = f.order;
  if (['open', 'partiallyFilled'].includes(o.status)) state.orders.set(o.clientOrderId, o);
  else state.orders.delete(o.clientOrderId);
  if (f.event === 'replaced') for (const [id, other] of state.orders) if (other.orderId === o.orderId && id !== o.clientOrderId) state.orders.delete(id);
  renderOrders();
}

function renderOrders() {
  $('open-orders').replaceChildren(...[...state.orders.values()].map((o) => {
    const tr = document.createElement('tr');
    tr.dataset.clientOrderId = o.clientOrderId;
    tr.innerHTML = `<td>${o.symbol}</td><td class="${o.side}">${o.side}</td><td>${o.orderType === 'market' || o.orderType === 'stop' ? 'market' : o.price}${o.status === 'pending' ? ` (stop ${o.stopPrice})` : ''}</td>` +
      `<td>${trim(o.quantity)}</td><td>${trim(o.filled)}</td><td><button class="cancel" type="button">Cancel</button></td>`;
    tr.querySelector('button').onclick = () => request({ type: 'cancel', symbol: o.symbol, clientOrderId: o.clientOrderId });
    return tr;
  }));
}

function addFill(f) {
  const tr = document.createElement('tr');
  tr.innerHTML = `<td>${f.symbol}</td><td class="${f.side}">${f.side}</td><td>${f.price}</td><td>${trim(f.quantity)}</td><td>${trim(f.fee)} ${f.feeAsset}</td>`;
  $('fills').prepend(tr);
  while ($('fills').children.length > 50) $('fills').lastChild.remove();
}

function setBalance(b) {
  let tr = [...$('balances').children].find((r) => r.dataset.asset === b.asset);
  if (!tr) { tr = document.createElement('tr'); tr.dataset.asset = b.asset; $('balances').append(tr); }
  tr.innerHTML = `<td>${b.asset}</td><td>${trim(b.available)}</td><td>${trim(b.held)}</td>`;
}

function result(text, isError) {
  $('order-result').textContent = text;
  $('order-result').classList.toggle('error', isError);
}

// Display only: drop trailing zeros of a decimal string (the protocol's strings stay exact).
function trim(text) {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

// ---- controls ----
function fillSymbols() {
  const select = $('symbol');
  const current = state.symbol || (state.symbols[0] && state.symbols[0].symbol);
  select.replaceChildren(...state.symbols.map((s) => new Option(s.symbol, s.symbol)));
  select.value = current;
  state.symbol = current;
}

$('symbol').onchange = () => {
  unsubscribePublic();
  state.symbol = $('symbol').value;
  state.bids.clear(); state.asks.clear(); state.version = -1;
  candles.setData([]);
  subscribePublic();
};

$('interval').onchange = () => {
  send({ type: 'unsubscribe', channel: 'candles', symbol: state.symbol, interval: state.interval });
  state.interval = $('interval').value;
  candles.setData([]);
  send({ type: 'subscribe', channel: 'candles', symbol: state.symbol, interval: state.interval });
};

$('order-type').onchange = () => {
  const type = $('order-type').value;
  const market = type === 'market' || type === 'stop';
  $('price').disabled = market;
  $('stop-price').disabled = type !== 'stop' && type !== 'stopLimit';
  $('tif').value = market ? 'ioc' : 'gtc';
};

$('order-form').onsubmit = (event) => {
  event.preventDefault();
  const type = $('order-type').value;
  const order = {
    type: 'new', symbol: state.symbol, side: document.querySelector('input[name=side]:checked').value, orderType: type,
    timeInForce: $('tif').value, quantity: $('quantity').value.trim(), postOnly: $('post-only').checked,
  };
  if (type === 'limit' || type === 'stopLimit') order.price = $('price').value.trim();
  if (type === 'stop' || type === 'stopLimit') order.stopPrice = $('stop-price').value.trim();
  request(order);
  result('sent…', false);
};

$('cancel-all').onclick = () => request({ type: 'massCancel', side: 'both' });

$('login').onsubmit = async (event) => {
  event.preventDefault();
  let token = $('token').value.trim();
  if (!token && !$('subject').hidden) {
    const answer = await fetch('/api/v1/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subject: $('subject').value }) });
    if (!answer.ok) { result('no dev token for that subject', true); return; }
    token = (await answer.json()).token;
  }
  if (!token) { result('paste a token to log in', true); return; }
  state.token = token;
  sessionStorage.setItem('token', token);
  $('token').value = '';
  send({ type: 'auth', requestId: 'login', token });
};

$('logout').onclick = logout;

// Dev mode: offer the configured subjects instead of a token field.
fetch('/api/v1/dev/subjects').then((r) => r.ok ? r.json() : null).then((dev) => {
  if (!dev) return;
  $('subject').replaceChildren(...dev.subjects.map((s) => new Option(s, s)));
  $('subject').hidden = false;
  $('token').placeholder = 'or paste a JWT';
}).catch(() => {});

connect();
