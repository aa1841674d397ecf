#!/usr/bin/env bash
# Runs every benchmark and rewrites docs/benchmarks.md with the machine, the commands and the numbers.
# Takes about 15 minutes on 2 cores (three Native AOT builds, then the runs). Not part of the test
# suite: timing goals live here, not in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build bench/PriceFeed.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
bench="dotnet bench/PriceFeed.Benchmarks/bin/Release/net10.0/PriceFeed.Benchmarks.dll"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The binaries users run: the laptop CLI (Native AOT), the Lambda package (Native AOT, no DuckDB),
# and the same Lambda app built without AOT (framework-dependent, JIT) for the start-up comparison.
dotnet publish src/PriceFeed -c Release -r linux-x64 -o "$work/cli" -nologo -clp:ErrorsOnly >/dev/null
package=$(bash scripts/package-lambda.sh "$work/lambda" | tail -n 1)
package_arm64=$(PRICEFEED_ARCH=arm64 bash scripts/package-lambda.sh "$work/lambda-arm64" | tail -n 1)
dotnet publish src/PriceFeed -c Release -r linux-x64 -p:PriceFeedLambda=true -p:PublishAot=false --self-contained false \
  -o "$work/jit" -nologo -clp:ErrorsOnly >/dev/null

parse=$($bench parse 18750 "$work/history.json")
python=$(python3 bench/python_parse.py "$work/history.json")
e2e=$($bench e2e 200 20)
backfill10=$($bench backfill 10 365 "$work/lake10" "$work/cli/pricefeed")
backfill25=$($bench backfill 25 365 "$work/lake25" "$work/cli/pricefeed")
backfill=$($bench backfill 50 365 "$work/lake" "$work/cli/pricefeed")
storage=$($bench storage "$work/lake")
startup_aot=$($bench startup aot "$work/lambda/publish/pricefeed" 20)
startup_jit=$($bench startup jit "$work/jit/pricefeed" 20)

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(dotnet --version) SDK, $(uname -sr)"
cat > docs/benchmarks.md <<DOC
# Benchmarks

Written by \`bash bench/run.sh\` on $(date -u +%Y-%m-%d). Machine: ${machine}.
Each line below is the raw JSON a benchmark printed; the tables read from it.

\`\`\`
${parse}
${python}
${e2e}
${backfill10}
${backfill25}
${backfill}
${storage}
${startup_aot}
${startup_jit}
${package}
${package_arm64}
\`\`\`
DOC
python3 - "$parse" "$python" "$e2e" "$backfill10" "$backfill25" "$backfill" "$storage" "$startup_aot" "$startup_jit" "$package" "$package_arm64" >> docs/benchmarks.md <<'PY'
import json, sys
parse, python, e2e, backfill10, backfill25, backfill, storage, aot, jit, package, package_arm64 = (json.loads(a) for a in sys.argv[1:])
ok = lambda good: "met" if good else "NOT met"
print(f"""
## Parsing FYERS history JSON (one core)

`bench/PriceFeed.Benchmarks parse 18750`: a {parse['bytes']:,}-byte body of {parse['candles']:,} one-minute candles,
median of 31 runs of 20 parses; Python on the same bytes in the same run (`bench/python_parse.py`).

| Parser | MB/s | rows/s |
| --- | ---: | ---: |
| PriceFeed `HistoryParser` | {parse['mb_per_s']} | {parse['rows_per_s']:,} |""")
for name in ("orjson", "python_json"):
    if name in python:
        print(f"| Python `{'orjson.loads' if name == 'orjson' else 'json.loads'}` | {python[name]['mb_per_s']} | {python[name]['rows_per_s']:,} |")
print(f"""
Target 300 MB/s or more: {ok(parse['mb_per_s'] >= 300)}.

## End to end: {e2e['symbols']} symbols × one day of 1-minute candles

`bench/PriceFeed.Benchmarks e2e 200 20`: `pricefeed serve --sandbox` in its own process with 20 ms added
to every answer; the backfill job in this process fetches, checks and stores {e2e['bars']:,} bars.

| | seconds |
| --- | ---: |
| measured | {e2e['seconds']} |
| rate-limit floor (8/s evenly spaced and at most 190 in any minute) | {e2e['floor_seconds']} |
| requests ÷ 8 per second (ignores the minute budget) | {e2e['requests_over_8_per_s']} |

Ratio to the floor: {e2e['ratio']} (target at most 1.15: {ok(e2e['ratio'] <= 1.15)}). With {e2e['requests']} requests the
per-minute budget (190, FYERS allows 200 and blocks the day after three breaches) dominates: requests
191 and later wait for the first minute to pass, so requests ÷ 8/s is not reachable without breaching it.

## Backfill of {backfill['symbols']} symbols × {backfill['days']} days of 1-minute candles: time and memory

`bench/PriceFeed.Benchmarks backfill N 365 LAKE pricefeed`: runs `pricefeed backfill` as a user does (the
Native AOT CLI, its own process, from an empty lake) against `pricefeed serve --sandbox`. Peak RSS is the
backfilling process's VmHWM, sampled every 20 ms.

| symbols | chunks (requests) | bars | seconds | rate-limit floor s | ratio | peak RSS MB |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |""")
for b in (backfill10, backfill25, backfill):
    print(f"| {b['symbols']} | {b['chunks']} | {int(b['bars']):,} | {b['seconds']} | {b['floor_seconds']} | {b['ratio']} | {b['peak_rss_mb']} |")
growth = (backfill['peak_rss_mb'] - backfill10['peak_rss_mb']) / (backfill['symbols'] - backfill10['symbols'])
print(f"""
Targets: within 1.3× the floor at 50 symbols: {ok(backfill['ratio'] <= 1.3)}; peak under 120 MiB
({120 * 1.048576:.1f} MB): {ok(max(b['peak_rss_mb'] for b in (backfill10, backfill25, backfill)) < 120 * 1.048576)}; growth from 10 to 50 symbols {growth:.2f} MB per symbol.

How: a window's chunks (every symbol for the same 100 days) are parked on local disk by day
(`CandleSpill`) and each day file is merged and rewritten once per window, by a sorted merge into
the array that is written; before, a 250,000-row buffer (18 MB) was merged whenever it filled, so
at 50 symbols each day file was rewritten five times per window and memory grew about 2 MB per
symbol (282 s and 177 MB on 3 Dec 2026). Parquet pages are compressed with zstd's default level
instead of Parquet.Net's default "smallest size" (level 22 took three quarters of the CPU; the lake
grows from 9.9 to about 12 bytes per bar), and IST dates come from arithmetic on the fixed +05:30
offset rather than a time-zone rule lookup per bar. What still grows with the watchlist is the one
day file being merged (50 symbols × 360 bars).

## Start-up: first answer from `/healthz` (what the Lambda Web Adapter waits for)

`bench/PriceFeed.Benchmarks startup LABEL BINARY 20`: process start to the first `200` from `/healthz`
(polled every millisecond), median of 20 starts after one warm-up, with the Lambda functions'
environment (SSM token store, `PathBase=/prod`, no scheduler).

| Build | median ms | min | max | RSS MB | on disk |
| --- | ---: | ---: | ---: | ---: | ---: |
| Native AOT (the Lambda package) | {aot['median_ms']} | {aot['min_ms']} | {aot['max_ms']} | {aot['rss_mb']} | {aot['files_bytes'] / 1e6:.1f} MB |
| JIT, framework-dependent (same app) | {jit['median_ms']} | {jit['min_ms']} | {jit['max_ms']} | {jit['rss_mb']} | {jit['files_bytes'] / 1e6:.1f} MB + .NET runtime |

Target under 100 ms: {ok(aot['median_ms'] < 100)}. Deployment zip (`scripts/package-lambda.sh`):
**{package['zip_bytes'] / 1e6:.1f} MB** (binary {package['binary_bytes'] / 1e6:.1f} MB; needs glibc {package['glibc_needed']},
Amazon Linux 2023 has {package['glibc_max']}). Target under 15 MB: {ok(package['zip_bytes'] < 15e6)}. The arm64 (Graviton) zip,
cross-compiled (`PRICEFEED_ARCH=arm64`): **{package_arm64['zip_bytes'] / 1e6:.1f} MB** (binary {package_arm64['binary_bytes'] / 1e6:.1f} MB; glibc {package_arm64['glibc_needed']}),
{ok(package_arm64['zip_bytes'] < 15e6)}; its start-up is not measured here (it runs only under qemu).

This is a local figure on a shared 2-core VM, not a Lambda `Init Duration`; the same binary measured
112-151 ms (median) across runs of this benchmark on the same day. For scale, an empty ASP.NET Core
slim-builder app with one `/healthz` route, Native AOT (9.4 MB), answered in 68 ms median here. About 60 ms of ours is
process start alone: `pricefeed --version`, which builds no host, takes 52-84 ms here, a third of it
the Native AOT runtime rehydrating its data structures (a 28 MB binary: the AWS SDK, ASP.NET Core,
Parquet.Net). `IlcDehydrate=false` made the binary 43 MB and start no faster; `OptimizationPreference=Size`
gave 27.5 MB and 127 ms; GC settings changed nothing. A profile of five starts puts about a fifth
of the time in dependency injection building generic types at run time (options, loggers) and a
tenth in the GC zeroing fresh heap memory. (Those by hand on 2026-11-27.) Two real faults were found and fixed on the way: a configuration file watcher
walked the whole working folder at start-up (323 ms when started from the repository), and Data
Protection loaded its key ring from SSM before the server listened (now on first use).

## Storage per 1-minute bar

`bench/PriceFeed.Benchmarks storage LAKE` over the backfilled lake ({storage['rows']:,} rows in {storage['files']} daily files).

| Format | bytes per bar |
| --- | ---: |
| Parquet (zstd, as stored) | {storage['parquet_bytes_per_bar']} |
| CSV | {storage['csv_bytes_per_bar']} |
| JSON lines | {storage['json_bytes_per_bar']} |

Target at most 16 bytes per bar: {ok(storage['parquet_bytes_per_bar'] <= 16)}.""")
PY
echo "docs/benchmarks.md written"
