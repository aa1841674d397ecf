// FYERS' official Node SDK (npm fyers-api-v3) against the sandbox's data socket (issue 21).
// Usage: node data_ws.js <ws url> <data base url, ending /data> <client_id:access_token> <symbols, comma-separated> [depth symbols, comma-separated]
// Prints every message the SDK emits as one JSON line, until stdin closes.
"use strict";
const os = require("os");
// The SDK reads its hosts from this shared object: pointed at the sandbox before the socket loads.
const config = require("fyers-api-v3/config/config.js").Config;
const [ws, data, token, symbols, depth] = process.argv.slice(2);
config.HSM_SOCKET = ws;
config.data_Api1 = data;
// symbol-token is called at a fixed https://api-t1.fyers.in/data address inside the SDK: its requests
// are pointed at the sandbox, as a hosts-file entry would.
const { axiosInstance } = require("fyers-api-v3/apiService/apiService.js");
axiosInstance.interceptors.request.use((request) => {
  request.url = String(request.url).replace("https://api-t1.fyers.in/data", data);
  return request;
});
const DataSocket = require("fyers-api-v3").fyersDataSocket;
const print = (kind, payload) => process.stdout.write(JSON.stringify({ kind, payload }) + "\n");
// The SDK is minified into one line: its crashes are reported here, short, rather than as that line.
process.on("uncaughtException", (e) => { print("crash", String((e && e.stack) || e).slice(0, 600)); process.exit(3); });
process.on("unhandledRejection", (e) => { print("crash", String((e && e.stack) || e).slice(0, 600)); process.exit(3); });
const skt = DataSocket.getInstance(token, os.tmpdir(), false);
skt.on("connect", () => {
  print("connect", null);
  skt.subscribe(symbols.split(","));
  if (depth) skt.subscribe(depth.split(","), true);
  skt.mode(skt.FullMode);
});
skt.on("message", (m) => print("message", m));
skt.on("error", (e) => print("error", typeof e === "string" ? e : JSON.stringify(e)));
skt.on("close", () => print("close", null));
skt.connect();
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
