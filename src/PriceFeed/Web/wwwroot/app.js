// PriceFeed token page. No framework, no third-party script: the page must be safe on the internet.
// Every URL is relative, so the page works under a path base such as /prod.
"use strict";

const $ = (id) => document.getElementById(id);
let csrf = null;
let pendingLogin = false;
let pollTimer = null;

async function api(path, options = {}) {
  const headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
  if (options.method && options.method !== "GET") {
    if (!csrf) { await loadCsrf(); }
    headers[csrf.headerName] = csrf.token;
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, Object.assign({}, options, { headers, credentials: "same-origin", cache: "no-store" }));
  let body = null;
  if (response.status !== 204) {
    try { body = await response.json(); } catch { body = null; }
  }
  if (!response.ok) {
    const message = (body && (body.detail || body.title)) || `The server answered ${response.status}. Try again.`;
    throw new Error(message);
  }
  return body;
}

async function loadCsrf() {
  csrf = await api("api/csrf");
}

function show(el, visible) { el.hidden = !visible; }

// Puts the cards in this order, moving only when they are out of it: a move takes the focus from a
// field being typed in.
function arrange(ids) {
  const cards = ids.map($);
  const current = [...$("cards").children].filter((el) => ids.includes(el.id));
  if (current.every((el, i) => el === cards[i])) { return; }
  cards.forEach((card) => $("cards").appendChild(card));
}

function setError(el, message) {
  el.textContent = message || "";
  show(el, !!message);
}

function fmt(iso) {
  if (!iso) { return "—"; }
  const d = new Date(iso);
  return d.toLocaleString("en-IN", { timeZone: "Asia/Kolkata", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false }) + " IST";
}

function render(status) {
  const token = status.token;
  // The public sees the token's state and the login button; the owner's browser (a setup code
  // given, or a login of the bound account) also sees the account, the app and the price feed.
  const owner = !!status.owner;
  document.querySelectorAll(".owner-only").forEach((el) => show(el, owner));
  // A browser that is not the owner's (a new phone, a cleared browser) is told how to become it.
  show($("owner-hint"), !owner && !status.setupNeeded);
  const mode = $("mode");
  show(mode, status.mode === "sandbox");
  mode.textContent = "FYERS sandbox · synthetic data";

  const state = $("token-state");
  const labels = { valid: "Valid", expired: "Expired", rejected: "Rejected by FYERS", missing: "No token yet" };
  state.textContent = labels[token.state] || token.state;
  state.className = `state state-${token.state}`;
  $("token-message").textContent = token.message;
  show($("token-details"), token.state !== "missing");
  $("token-account").textContent = [token.name, token.account].filter(Boolean).join(" · ") || "—";
  $("token-until").textContent = token.expiresAtIst || "—";
  // Null for a valid token means no NSE session opens before it dies (a holiday, a weekend, evening).
  $("token-next").textContent = token.nextUse ? fmt(token.nextUse) : token.state === "valid" ? "no session before it expires" : "—";
  $("token-checked").textContent = token.lastCheckedAt ? fmt(token.lastCheckedAt) : "not yet";
  show($("check"), owner && token.state !== "missing");

  const last = status.lastLogin;
  const lastEl = $("last-login");
  // A successful login's outcome is the token's state above (which may since have expired or
  // been rejected: a green "Tokens stored" under a red "Expired" contradicts it); only a refusal
  // needs its own line.
  show(lastEl, !!last && !last.ok);
  if (last) {
    lastEl.textContent = last.message;
    lastEl.className = "notice bad";
  }

  // The feed in the server's words (FeedHealth): the same sentences as `pricefeed status`. A failure
  // that today's login superseded is history (grey), not an alarm.
  const feed = status.feed || { headline: null, lines: [] };
  const headline = $("headline");
  show(headline, !!feed.headline);
  headline.textContent = feed.headline || "";
  const lines = feed.lines || [];
  // The NSE holiday list runs out at a year's end: said from 1 December, with the line that fixes it.
  const calendarWarning = status.calendar && status.calendar.warning;
  show($("calendar-warning"), !!calendarWarning);
  $("calendar-warning").textContent = calendarWarning || "";
  show($("feed-card"), owner && (lines.length > 0 || !!calendarWarning));
  $("runs").replaceChildren(...lines.map((line) => {
    const item = document.createElement("li");
    item.className = `run tone-${line.tone}`;
    item.textContent = line.text;
    return item;
  }));

  const creds = status.credentials;
  const setupWithCode = status.setupNeeded && !owner;
  show($("credentials-card"), owner || status.setupNeeded);
  // Until the app is set up, setting it up is the one thing to do: its card comes first.
  const settingUp = setupWithCode || !creds.secretStored;
  // The card of the moment comes first, so a phone's first screen holds the one thing to do:
  // set up, log in, or (after today's login) see that the feed is ready.
  const phase = settingUp ? "setup" : token.state === "valid" ? "ready" : "login";
  arrange({
    setup: ["credentials-card", "login-card", "status-card", "feed-card", "watchlist-card"],
    login: ["login-card", "status-card", "feed-card", "watchlist-card", "credentials-card"],
    ready: ["status-card", "feed-card", "login-card", "watchlist-card", "credentials-card"],
  }[phase]);
  document.body.dataset.phase = phase;
  // Before anything is set up there is no token to speak of.
  show($("status-card"), !(settingUp && token.state === "missing"));
  document.querySelectorAll(".step").forEach((el) => show(el, phase !== "ready"));
  $("login-card").querySelector(".step").textContent = settingUp ? "2" : "1";
  $("credentials-card").querySelector(".step").textContent = settingUp ? "1" : "2";
  const loginButton = $("login");
  loginButton.className = phase === "ready" ? "secondary" : "big";
  loginButton.textContent = phase === "ready" ? "Log in again with FYERS" : "Log in with FYERS";
  show($("setup-code-row"), setupWithCode);
  show($("callback-hint"), !!status.callbackUrl);
  $("callback-url").textContent = status.callbackUrl || "";
  $("credentials-summary").textContent = creds.clientId
    ? `App ${creds.clientId} · secret stored` + (status.binding ? ` · bound to account ${status.binding.account}` : "")
    : "Enter your FYERS app's Client ID and App Secret once. The secret is stored on the server and never shown again.";
  $("credentials-toggle").textContent = creds.clientId ? "Replace Client ID or App Secret" : "Enter Client ID and App Secret";
  if (!creds.clientId || setupWithCode) { $("credentials-details").open = true; }
  show($("current-secret-row"), !!status.binding);
  if (creds.clientId && !$("client-id").value) { $("client-id").value = creds.clientId; }
  if (creds.loginMode === "paste" && !$("redirect-uri").value) { $("redirect-uri").value = creds.redirectUri; $("redirect-details").open = true; }

  const ready = creds.secretStored && !setupWithCode;
  $("login").disabled = !ready;
  $("login-help").textContent = phase === "ready"
    ? "Today's login is done. Log in again only if FYERS rejects the token."
    : ready
    ? "Log in once a day, after about 06:00 IST. FYERS asks for your 2FA code, then the token is stored for the price feed."
    : setupWithCode
      ? "First set PriceFeed up above: the setup code, then your FYERS app's Client ID and App Secret."
      : "First enter your FYERS app's Client ID and App Secret above.";
  show($("paste"), creds.loginMode === "paste" && ready);
  $("paste-redirect").textContent = creds.redirectUri || "";

  // A popup that finished the login closes itself, stored or refused: the page that opened it shows
  // the outcome (the same result cookie) and updates by polling.
  if (window.opener && last) {
    try { window.opener.postMessage("pricefeed-login-done", window.location.origin); } catch { /* opener gone */ }
    window.close();
  }
}

// The watchlist: the owner's only, loaded once a page and after each change (not on every poll).
let watchlistShown = false;
function renderWatchlist(view) {
  $("watchlist-summary").textContent = `${view.symbols.length} symbol${view.symbols.length === 1 ? "" : "s"}, kept in ${view.location}. A change applies from the next run.`;
  const notice = $("watchlist-notice");
  notice.textContent = view.notice || "";
  show(notice, !!view.notice);
  $("watchlist").replaceChildren(...view.symbols.map((item) => {
    const li = document.createElement("li");
    if (item.ticker === view.changed) { li.className = "changed"; }
    const text = document.createElement("span");
    text.textContent = item.known ? `${item.ticker} · ${item.name || ""}` : `${item.ticker} · not in FYERS' symbol master: never fetched`;
    if (!item.known) { text.className = "error"; }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary small";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${item.ticker}`);
    remove.addEventListener("click", () => changeWatchlist(`api/watchlist/${encodeURIComponent(item.ticker)}`, { method: "DELETE" }));
    li.append(text, remove);
    return li;
  }));
}

async function loadWatchlist() {
  try {
    renderWatchlist(await api("api/watchlist"));
    show($("watchlist-card"), true);
  } catch (e) {
    setError($("watchlist-error"), e.message);
  }
}

async function changeWatchlist(path, options, query) {
  setError($("watchlist-error"), "");
  show($("watchlist-notice"), false);
  show($("watchlist-choice-title"), false);
  $("watchlist-choices").replaceChildren();
  if (!csrf) { await loadCsrf(); }
  const response = await fetch(path, Object.assign({}, options, {
    headers: { "Accept": "application/json", "Content-Type": "application/json", [csrf.headerName]: csrf.token },
    credentials: "same-origin", cache: "no-store",
  }));
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (response.status === 409 && body && body.candidates) {
    // Several match: each is a button that adds exactly that one.
    $("watchlist-choice-title").textContent = body.detail;
    show($("watchlist-choice-title"), true);
    $("watchlist-choices").replaceChildren(...body.candidates.map((c) => {
      const li = document.createElement("li");
      const pick = document.createElement("button");
      pick.type = "button";
      pick.className = "secondary small";
      pick.textContent = `${c.ticker} · ${c.name}${c.listed ? " · on the list" : ""}`;
      // What is listed already is shown, not offered: a tap on it would change nothing.
      pick.disabled = !!c.listed;
      pick.addEventListener("click", () => changeWatchlist("api/watchlist", { method: "POST", body: JSON.stringify({ query: c.ticker }) }, c.ticker));
      li.append(pick);
      return li;
    }));
    return;
  }
  if (!response.ok) {
    setError($("watchlist-error"), (body && (body.detail || body.title)) || `The server answered ${response.status}. Try again.`);
    return;
  }
  if (query !== undefined) { $("watchlist-query").value = ""; }
  renderWatchlist(body);
}

async function refresh() {
  try {
    const status = await api("api/status");
    render(status);
    if (status.owner && !status.setupNeeded && !watchlistShown) { watchlistShown = true; loadWatchlist(); }
    if (!status.owner) { show($("watchlist-card"), false); watchlistShown = false; }
  } catch (e) {
    $("token-state").textContent = "Status unavailable";
    $("token-message").textContent = e.message;
  }
}

function schedulePolling() {
  clearInterval(pollTimer);
  pollTimer = setInterval(refresh, pendingLogin ? 2000 : 60000);
}

function wantsSameTab() {
  return window.matchMedia("(max-width: 700px)").matches || window.matchMedia("(pointer: coarse)").matches;
}

async function startLogin() {
  setError($("login-error"), "");
  $("login").disabled = true;
  try {
    const { loginUrl, loginMode } = await api("api/login", { method: "POST", body: "{}" });
    if (loginMode === "callback" && !wantsSameTab()) {
      const popup = window.open(loginUrl, "fyers-login", "popup,width=480,height=760");
      if (popup) {
        pendingLogin = true;
        schedulePolling();
        return;
      }
    }
    if (loginMode === "paste") {
      window.open(loginUrl, "_blank", "noopener");
      $("redirect-url").focus();
      return;
    }
    window.location.assign(loginUrl);
  } catch (e) {
    setError($("login-error"), e.message);
  } finally {
    $("login").disabled = false;
  }
}

async function storePasted() {
  setError($("login-error"), "");
  $("store").disabled = true;
  try {
    await api("api/tokens", { method: "POST", body: JSON.stringify({ redirectUrl: $("redirect-url").value }) });
    $("redirect-url").value = "";
    await refresh();
  } catch (e) {
    setError($("login-error"), e.message);
  } finally {
    $("store").disabled = false;
  }
}

async function saveCredentials(event) {
  event.preventDefault();
  setError($("credentials-error"), "");
  $("save-credentials").disabled = true;
  try {
    await api("api/credentials", {
      method: "PUT",
      body: JSON.stringify({
        clientId: $("client-id").value,
        appSecret: $("app-secret").value,
        redirectUri: $("redirect-uri").value || null,
        currentAppSecret: $("current-secret").value || null,
        setupCode: $("setup-code").value || null,
      }),
    });
    $("app-secret").value = "";
    $("current-secret").value = "";
    $("setup-code").value = "";
    $("credentials-details").open = false;
    await refresh();
  } catch (e) {
    setError($("credentials-error"), e.message);
  } finally {
    $("save-credentials").disabled = false;
  }
}

async function check() {
  $("check").disabled = true;
  const result = $("check-result");
  result.textContent = "Asking FYERS…";
  result.className = "notice";
  show(result, true);
  try {
    const answer = await api("api/token/check", { method: "POST", body: "{}" });
    const at = answer && answer.lastCheckedAt ? fmt(answer.lastCheckedAt) : "just now";
    result.textContent = answer && answer.state === "valid"
      ? `FYERS accepted the token (asked ${at}).`
      : `FYERS did not accept the token (asked ${at}): ${answer ? answer.message : "log in again."}`;
    result.className = answer && answer.state === "valid" ? "notice good" : "notice bad";
    await refresh();
  } catch (e) {
    result.textContent = e.message;
    result.className = "notice bad";
  } finally {
    $("check").disabled = false;
  }
}

window.addEventListener("message", (event) => {
  if (event.origin === window.location.origin && event.data === "pricefeed-login-done") {
    pendingLogin = false;
    schedulePolling();
    refresh();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  $("login").addEventListener("click", startLogin);
  $("store").addEventListener("click", storePasted);
  $("credentials").addEventListener("submit", saveCredentials);
  $("check").addEventListener("click", check);
  $("watchlist-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = $("watchlist-query").value;
    changeWatchlist("api/watchlist", { method: "POST", body: JSON.stringify({ query }) }, query);
  });
  refresh();
  schedulePolling();
});
