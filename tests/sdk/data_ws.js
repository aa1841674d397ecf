// FYERS' official Node SDK (npm fyers-api-v3) against the sandbox's data socket (issue 21).
// Usage: node data_ws.js <ws url> <data base url, ending /data> <client_id:access_token> <symbols, comma-separated>
// Prints every message the SDK emits as one JSON line, until stdin closes.
"use strict";
const os = require("os");
// The SDK reads its hosts from this shared object: pointed at the sandbox before the socket loads.
const config = require("fyers-api-v3/config/config.js").Config;
const [ws, data, token, symbols] = process.argv.slice(2);
config.HSM_SOCKET = ws;
config.data_Api1 = data;
const DataSocket = require("fyers-api-v3").fyersDataSocket;
const print = (kind, payload) => process.stdout.write(JSON.stringify({ kind, payload }) + "\n");
const skt = DataSocket.getInstance(token, os.tmpdir(), false);
skt.on("connect", () => {
  print("connect", null);
  skt.subscribe(symbols.split(","));
  skt.mode(skt.FullMode);
});
skt.on("message", (m) => print("message", m));
skt.on("error", (e) => print("error", typeof e === "string" ? e : JSON.stringify(e)));
skt.on("close", () => print("close", null));
skt.connect();
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
