// PriceFeed's data view: the coverage grid and a candle chart, from the owner's lake. No inline
// script or style (the page's CSP is strict); the chart library is served by PriceFeed itself.
"use strict";

const $ = (id) => document.getElementById(id);
let chart = null;
let series = null;
// While the stream runs the charted day's session, the chart asks again every few seconds.
const POLL_MS = 5000;
let poll = null;
let shown = "";
let drawn = 0;

async function get(path) {
  const response = await fetch(path, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" });
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) { throw new Error((body && (body.detail || body.title)) || `The server answered ${response.status}.`); }
  return body;
}

function fail(message) {
  $("data-error").textContent = message;
  $("data-error").hidden = false;
}

function label(date) {
  const d = new Date(date + "T00:00:00Z");
  return { day: d.getUTCDate(), month: d.toLocaleString("en-IN", { month: "short", timeZone: "UTC" }), weekday: d.toLocaleString("en-IN", { weekday: "short", timeZone: "UTC" }) };
}

function renderCoverage(view) {
  $("mode").hidden = !view.synthetic;
  const table = document.createElement("table");
  const head = document.createElement("tr");
  head.append(document.createElement("th"));
  view.days.forEach((day) => {
    const th = document.createElement("th");
    const l = label(day.date);
    th.textContent = `${l.day}`;
    th.title = `${l.weekday} ${l.day} ${l.month}${day.holiday ? " · " + day.holiday : ""}`;
    head.append(th);
  });
  table.append(head);
  let complete = 0, short = 0, missing = 0, givenUp = 0, before = 0;
  view.rows.forEach((row) => {
    const tr = document.createElement("tr");
    const name = document.createElement("th");
    name.textContent = row.symbol.replace(/^NSE:/, "");
    name.title = row.symbol;
    tr.append(name);
    row.cells.forEach((cell, i) => {
      const td = document.createElement("td");
      const day = view.days[i];
      const button = document.createElement("button");
      button.type = "button";
      button.className = `cell ${cell.state}`;
      const said = { "given-up": "given up: FYERS lacked it on several days", before: "before the lake's first day: never fetched" }[cell.state] || cell.state;
      button.title = cell.state === "holiday" ? `${day.date}: ${day.holiday}` : `${row.symbol} ${day.date}: ${cell.bars} of ${cell.expected} bars (${said})`;
      button.setAttribute("aria-label", button.title);
      button.disabled = cell.state === "holiday";
      button.addEventListener("click", () => { pick(row.symbol, day.date); });
      td.append(button);
      tr.append(td);
      complete += cell.state === "complete" ? 1 : 0;
      short += cell.state === "short" ? 1 : 0;
      missing += cell.state === "missing" ? 1 : 0;
      givenUp += cell.state === "given-up" ? 1 : 0;
      before += cell.state === "before" ? 1 : 0;
    });
    table.append(tr);
  });
  $("coverage").replaceChildren(table);
  // The newest day is what a trader looks for: on a narrow screen the grid opens scrolled to it.
  $("coverage").scrollLeft = $("coverage").scrollWidth;
  $("coverage-summary").textContent = `${view.rows.length} symbols × ${view.days.filter((d) => !d.holiday).length} trading days: ${complete} complete, ${short} short, ${missing} missing${before ? `, ${before} before the lake began` : ""}${givenUp ? `, ${givenUp} given up (FYERS lacks them; pricefeed verify --repair asks again)` : ""}.`;
  // Days before the lake's first were never asked for: what fills them is a backfill, said with the command.
  const hint = $("coverage-hint");
  hint.hidden = !view.backfill;
  if (view.backfill) {
    const lead = view.firstDay
      ? `The lake begins on ${view.firstDay}: the grey days before it were never fetched. To fetch them, run `
      : "The lake is empty so far: the jobs store each session from the first login on. To fetch the days shown, run ";
    hint.replaceChildren(lead, Object.assign(document.createElement("code"), { textContent: view.backfill }), " where PriceFeed runs.");
  }
  $("chart-symbol").replaceChildren(...view.rows.map((row) => new Option(row.symbol, row.symbol)));
  // Start on the newest day that has bars for the first symbol.
  const first = view.rows[0];
  if (first) {
    const index = first.cells.map((c) => c.bars > 0).lastIndexOf(true);
    pick(first.symbol, view.days[index >= 0 ? index : view.days.length - 1].date);
  }
}

async function pick(symbol, date) {
  $("chart-symbol").value = symbol;
  $("chart-date").value = date;
  clearTimeout(poll);
  try {
    const view = await get(`api/data/candles?symbol=${encodeURIComponent(symbol)}&date=${encodeURIComponent(date)}`);
    // A slow answer for a symbol or day no longer picked is not drawn.
    if ($("chart-symbol").value !== symbol || $("chart-date").value !== date) { return; }
    drawChart(view);
    if (view.streaming) { poll = setTimeout(() => pick(symbol, date), POLL_MS); }
  } catch (e) {
    fail(e.message);
  }
}

// Live bars (from the stream, until REST's replace them) and the minute forming now are drawn paler.
function point(b, forming) {
  const p = { time: b.time, open: b.open, high: b.high, low: b.low, close: b.close };
  if (b.live || forming) {
    const up = b.close >= b.open;
    p.color = forming ? (up ? "#8fd19e" : "#f2a0ab") : (up ? "#4caf6a" : "#d9485f");
    p.wickColor = p.color;
  }
  return p;
}

function time(seconds) {
  const d = new Date(seconds * 1000);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

function drawChart(view) {
  const lib = window.LightweightCharts;
  if (!chart) {
    chart = lib.createChart($("chart"), {
      autoSize: true,
      layout: { attributionLogo: false, fontFamily: getComputedStyle(document.body).fontFamily },
      timeScale: { timeVisible: true, secondsVisible: false },
      rightPriceScale: { borderVisible: false },
    });
    series = chart.addSeries(lib.CandlestickSeries, { upColor: "#137333", downColor: "#b00020", wickUpColor: "#137333", wickDownColor: "#b00020", borderVisible: false });
  }
  const points = view.bars.map((b) => point(b, false));
  if (view.forming) { points.push(point(view.forming, true)); }
  series.setData(points);
  // Fitted when a symbol or day is first shown, or when more than a minute's bar arrived at once (REST
  // filled the morning); otherwise a poll keeps the trader's zoom and scroll.
  const key = `${view.symbol}|${view.date}`;
  if (key !== shown || points.length > drawn + 1) { chart.timeScale().fitContent(); shown = key; }
  drawn = points.length;
  // During the session the chart is what a trader came for: on top, above the grid.
  if (view.streaming && $("chart-card").previousElementSibling !== $("data-error")) {
    $("data-error").after($("chart-card"));
  }
  $("chart-title").textContent = `${view.symbol} · ${view.date}`;
  const last = view.forming || view.bars[view.bars.length - 1];
  const live = view.bars.filter((b) => b.live).length;
  const parts = [`${view.bars.length} of ${view.expected} bars`];
  if (live) { parts.push(`${live} live from the stream`); }
  if (view.forming) { parts.push(`${time(view.forming.time)} forming`); }
  if (last) { parts.push(`last ${last.close.toFixed(2)}`); }
  if (view.streaming) { parts.push("updating every 5 s"); }
  if (view.synthetic) { parts.push("synthetic (sandbox)"); }
  $("chart-summary").textContent = view.bars.length === 0 && !view.forming
    ? `No bars stored for ${view.symbol} on ${view.date}${view.expected ? ` (the session has ${view.expected})` : " (no session that day)"}.`
    : parts.join(" · ");
  $("chart").dataset.bars = String(view.bars.length);
  $("chart").dataset.live = String(live);
  $("chart").dataset.forming = view.forming ? String(view.forming.time) : "";
}

document.addEventListener("DOMContentLoaded", async () => {
  $("chart-symbol").addEventListener("change", () => pick($("chart-symbol").value, $("chart-date").value));
  $("chart-date").addEventListener("change", () => pick($("chart-symbol").value, $("chart-date").value));
  try {
    renderCoverage(await get("api/data/coverage?days=20"));
  } catch (e) {
    fail(e.message);
  }
});
