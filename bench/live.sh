#!/usr/bin/env bash
# The live stream's soak (issue 21): 5,000 topics in full mode, two trades (socket updates) a second
# each, for 30 minutes of wall time at real speed on a replayed session, the connection dropped ten
# times. Rewrites the "Live stream" section of docs/benchmarks.md (between its markers); bench/run.sh
# calls it after the others. Takes about 32 minutes. `--no-drops`: the same soak without drops, its own
# section (every record built must be taken); `--render-only`: re-render the section from its JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/PriceFeed.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
bench="dotnet bench/PriceFeed.Benchmarks/bin/Release/net10.0/PriceFeed.Benchmarks.dll"
topics=${LIVE_TOPICS:-5000}
minutes=${LIVE_MINUTES:-30}
if [ "${1:-}" = "--no-drops" ]; then
  # The same soak with no forced drop: every record the sandbox builds must be taken (goal 0 lost).
  # Writes its own section (between <!-- live-nodrops:start --> and <!-- live-nodrops:end -->).
  soak=$($bench live "$topics" "$minutes" 1 2 0 2>/dev/null | tail -n 1)
  machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  python3 - "$soak" "$machine" "$(date -u +%Y-%m-%d)" "$topics" "$minutes" <<'PY'
import json, re, sys
soak, machine, day, topics, minutes = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
ok = lambda good: "met" if good else "NOT met"
heap, d, lake = soak["live_heap_mib_each_minute"], soak["tick_to_durable_ms"], soak["minute_to_lake_market_s"]
section = f"""<!-- live-nodrops:start -->
### The same soak without drops ({day})

`bash bench/live.sh --no-drops` (`bench/PriceFeed.Benchmarks live {topics} {minutes} 1 2 0`) on {machine}: as above, but
the connection is never dropped, so every record the sandbox builds should become a tick.

```
{json.dumps(soak)}
```

| | measured | goal |
| --- | ---: | --- |
| wall time | {soak['wall_seconds']} s | at least 1,800: {ok(soak['wall_seconds'] >= 1800)} |
| records the sandbox built / ticks the stream took | {soak['records_built']:,} / {soak['ticks_taken']:,} | |
| records lost | {soak['records_not_taken']:,} | 0: {ok(soak['records_not_taken'] == 0)} |
| reconnects | {soak['reconnects']} | 0 |
| live heap after a full collection, MiB | {heap[0]} first, {max(heap)} highest, {heap[-1]} last | flat: {ok(heap[-1] <= 1.1 * heap[1])} |
| CPU | {soak['cpu_seconds']} s, {soak['cpu_share_of_one_core']:.2f} of one core | |
| tick to durable log (fsync), ms | p50 {d['p50']:.0f}, p99 {d['p99']:.0f}, max {d['max']:.0f} | p99 within 1,000: {ok(d['p99'] <= 1000)} |
| minute close to its bar in the lake, s | p50 {lake['p50']:.2f}, p99 {lake['p99']:.2f} | p99 within 5: {ok(lake['p99'] <= 5)} |
| bytes per tick (compacted day) | {soak['bytes_per_tick']} | 20 or less: {ok(soak['bytes_per_tick'] <= 20)} |
<!-- live-nodrops:end -->"""
path = "docs/benchmarks.md"
text = open(path).read()
if "<!-- live-nodrops:start -->" in text:
    text = re.sub(r"<!-- live-nodrops:start -->.*<!-- live-nodrops:end -->", lambda _: section, text, flags=re.S)
else:
    text = text.replace("<!-- live:end -->", "<!-- live:end -->\n\n" + section, 1)
open(path, "w").write(text)
print(section)
PY
  exit 0
elif [ "${1:-}" = "--render-only" ]; then
  # Re-renders the section from the JSON line already in docs/benchmarks.md (after a template change).
  soak=$(sed -n '/<!-- live:start -->/,/<!-- live:end -->/p' docs/benchmarks.md | grep '^{"benchmark": "live"' | head -n 1)
else
  soak=$($bench live "$topics" "$minutes" 1 2 10 2>/dev/null | tail -n 1)
fi
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
python3 - "$soak" "$machine" "$(date -u +%Y-%m-%d)" "$topics" "$minutes" <<'PY'
import json, re, sys
soak, machine, day, topics, minutes = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
ok = lambda good: "met" if good else "NOT met"
mem = soak["working_set_mib_each_minute"]
d, lake, rc = soak["tick_to_durable_ms"], soak["minute_to_lake_market_s"], soak["reconnect_s"]
section = f"""<!-- live:start -->
## Live stream: soak, latency, reconnects, bytes ({day})

`bash bench/live.sh` (`bench/PriceFeed.Benchmarks live {topics} {minutes} 1 2 10`) on {machine}: `serve --sandbox`'s
app and sandbox in one process, as users run it, the watchlist {soak['topics']:,} symbols in full mode. The sandbox
replays Thursday 26 Nov 2026 from 09:15 at real speed, each symbol trading twice a second, so the socket sends
{soak['updates_per_topic_per_s']} updates a second per topic; every connection is dropped {soak['drops']} times.
CPU and memory are the whole process, the sandbox's trade process and frame writing included.

```
{json.dumps(soak)}
```

| | measured | goal |
| --- | ---: | --- |
| wall time, market minutes | {soak['wall_seconds']} s, {soak['market_minutes']} min | at least 30 min: {ok(soak['wall_seconds'] >= 1800)} |
| records the sandbox built / ticks the stream took | {soak['records_built']:,} / {soak['ticks_taken']:,} | |
| records not taken | {soak['records_not_taken']:,} ({soak['records_not_taken'] / soak['topics']:.0f} update steps of all topics) | 0 outside the forced drops (see below) |
| live heap after a full collection, MiB | {soak['live_heap_mib_each_minute'][0]} first, {max(soak['live_heap_mib_each_minute'])} highest, {soak['live_heap_mib_each_minute'][-1]} last | flat: {ok(soak['live_heap_mib_each_minute'][-1] <= 1.1 * soak['live_heap_mib_each_minute'][1])} |
| working set each minute, MiB | {mem[0]} first, {max(mem)} highest, {mem[-1]} last | |
| CPU | {soak['cpu_seconds']} s, {soak['cpu_share_of_one_core']:.2f} of one core | |
| tick to durable log (fsync), ms | p50 {d['p50']:.0f}, p99 {d['p99']:.0f}, max {d['max']:.0f} | p99 within 1,000: {ok(d['p99'] <= 1000)} |
| minute close to its bar in the lake, s | p50 {lake['p50']:.2f}, p99 {lake['p99']:.2f} | p99 within 5: {ok(lake['p99'] <= 5)} |
| reconnect: drop to all {soak['topics']:,} topics subscribed again, s | p50 {rc['p50']:.2f}, p95 {rc['p95']:.2f} ({rc['n']} reconnects) | p95 within 5: {ok(rc['p95'] <= 5)} |
| bytes per tick (compacted day) | {soak['bytes_per_tick']} | 20 or less: {ok(soak['bytes_per_tick'] <= 20)} |
| bytes per live bar (candle files) | {soak['candle_file_bytes'] / max(1, soak['live_bars']):.1f} | |

Records not taken are whole update steps (all {soak['topics']:,} topics at once): frames on the wire when a forced drop cut
the connection, which no socket gets back (FYERS keeps no tick history; the REST refill brings back those minutes'
bars, not their ticks). That nothing is lost apart from them is the soak without drops below. Memory: the live heap (after a full collection) is the leak check; the working set
also holds garbage not yet collected. Part minutes: the first minute and each reconnect's minute of every symbol,
left to REST ({soak['partial_minutes']:,} = {soak['partial_minutes'] / soak['topics']:.0f} per symbol).
<!-- live:end -->"""
path = "docs/benchmarks.md"
text = open(path).read()
if "<!-- live:start -->" in text:
    text = re.sub(r"<!-- live:start -->.*<!-- live:end -->", lambda _: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
print(section)
PY
