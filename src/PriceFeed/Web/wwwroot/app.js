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
  // A successful login's message is the status above; only a refusal needs its own line.
  show(lastEl, !!last && !(last.ok && last.message === token.message));
  if (last) {
    lastEl.textContent = last.message;
    lastEl.className = last.ok ? "notice" : "notice bad";
  }

  const runs = status.runs || [];
  // The NSE holiday list runs out at a year's end: said from 1 December, with the line that fixes it.
  const calendarWarning = status.calendar && status.calendar.warning;
  show($("calendar-warning"), !!calendarWarning);
  $("calendar-warning").textContent = calendarWarning || "";
  show($("feed-card"), owner && (runs.length > 0 || !!calendarWarning));
  const list = $("runs");
  list.replaceChildren(...runs.map((run) => {
    const item = document.createElement("li");
    item.className = `run run-${run.status}`;
    const gaps = run.gapsOpen ? ` · ${run.gapsOpen} missing trading day${run.gapsOpen === 1 ? "" : "s"} asked again next run` : "";
    item.textContent = `${run.job}: ${run.status} at ${fmt(run.finishedAt)} · ${run.seriesOk}/${run.seriesTotal} series ok · ${run.barsWritten} bars written${gaps} · ${run.message}`;
    return item;
  }));

  const creds = status.credentials;
  const setupWithCode = status.setupNeeded && !owner;
  show($("credentials-card"), owner || status.setupNeeded);
  // Until the app is set up, setting it up is the one thing to do: its card comes first.
  const settingUp = setupWithCode || !creds.secretStored;
  const loginCard = $("login-card");
  const credentialsCard = $("credentials-card");
  // Moved only when out of place: moving a card takes the focus from a field being typed in.
  const credentialsFirst = !!(credentialsCard.compareDocumentPosition(loginCard) & Node.DOCUMENT_POSITION_FOLLOWING);
  if (settingUp && !credentialsFirst) { loginCard.before(credentialsCard); }
  if (!settingUp && credentialsFirst) { loginCard.after(credentialsCard); }
  loginCard.querySelector(".step").textContent = settingUp ? "2" : "1";
  credentialsCard.querySelector(".step").textContent = settingUp ? "1" : "2";
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
  if (creds.loginMode === "paste" && !$("redirect-uri").value) { $("redirect-uri").value = creds.redirectUri; }

  const ready = creds.secretStored && !setupWithCode;
  $("login").disabled = !ready;
  $("login-help").textContent = ready
    ? "Log in once a day, after about 06:00 IST. FYERS asks for your 2FA code, then the token is stored for the price feed."
    : setupWithCode
      ? "First set PriceFeed up above: the setup code, then your FYERS app's Client ID and App Secret."
      : "First enter your FYERS app's Client ID and App Secret above.";
  show($("paste"), creds.loginMode === "paste" && ready);
  $("paste-redirect").textContent = creds.redirectUri || "";

  // A popup that finished the login closes itself; the page that opened it updates by polling.
  if (window.opener && last && last.ok && token.state === "valid") {
    try { window.opener.postMessage("pricefeed-login-done", window.location.origin); } catch { /* opener gone */ }
    window.close();
  }
}

async function refresh() {
  try {
    render(await api("api/status"));
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
  try {
    await api("api/token/check", { method: "POST", body: "{}" });
    await refresh();
  } catch (e) {
    $("token-message").textContent = e.message;
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
  refresh();
  schedulePolling();
});
