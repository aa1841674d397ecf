#!/usr/bin/env bash
# Runs every test of PriceFeed: the README's test command, and what .ci/run calls.
# Installs what a fresh Debian machine with the .NET 10 SDK lacks, builds, tests, and prints one
# summary line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet --info >/dev/null 2>&1 || { echo "The .NET 10 SDK is required: https://dotnet.microsoft.com/download" >&2; exit 1; }

# Browser tests drive Debian's Chromium through Playwright (never 'playwright install').
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian's chromium for the browser tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Browser tests need Debian's Chromium: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

# Child processes (the CLI, the packaged Lambda binary) run on the test's clock through Debian's
# libfaketime, and the time-shifted pass below runs whole test projects under `faketime`.
if [ ! -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || ! command -v faketime >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian's faketime for the clock-pinned tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime libfaketime >/dev/null
  else
    echo "The clock-pinned tests need Debian's faketime: sudo apt-get install -y faketime" >&2
    exit 1
  fi
fi

# The S3 sink is tested against npm s3rver (the version pinned in tests/s3/package-lock.json).
if [ ! -x tests/s3/node_modules/.bin/s3rver ]; then
  command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are needed for the S3 emulator: apt-get install -y nodejs npm" >&2; exit 1; }
  (cd tests/s3 && npm ci --no-audit --no-fund --loglevel=error)
fi

# The sandbox's data socket is read by FYERS' official Node SDK (npm fyers-api-v3, tests/sdk).
if [ ! -d tests/sdk/node_modules/fyers-api-v3 ]; then
  (cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error)
fi

# The Terraform structural tests parse infra/*.tf with npm @cdktf/hcl2json (tests/infra).
if [ ! -d tests/infra/node_modules/@cdktf/hcl2json ]; then
  (cd tests/infra && npm ci --no-audit --no-fund --loglevel=error)
fi

# The IAM check (AwsPermissionTests) runs moto_server with IAM enforced: moto 5.2.1 for the machine's
# Python 3.11 (preinstalled on this kind of machine; PyPI is not reachable, so nothing is installed here).
if [ -z "${PRICEFEED_PYTHON:-}" ]; then
  for candidate in python3 /root/.pyenv/shims/python3 /root/.pyenv/versions/3.11.7/bin/python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import moto, boto3, flask' >/dev/null 2>&1; then
      PRICEFEED_PYTHON=$(command -v "$candidate"); break
    fi
  done
fi
if [ -z "${PRICEFEED_PYTHON:-}" ]; then
  echo "The IAM check needs Python with moto 5.2.1 and boto3 (set PRICEFEED_PYTHON to it)." >&2
  exit 1
fi
export PRICEFEED_PYTHON
echo "IAM check: moto from ${PRICEFEED_PYTHON}"

# terraform fmt needs no provider and no network; where terraform is absent it is skipped, saying so.
if command -v terraform >/dev/null 2>&1; then
  # No CLI config is needed for fmt; pointing it at /dev/null keeps terraform from warning about ~/.terraformrc.
  TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive -diff infra || { echo "infra/ is not terraform-fmt clean: run 'terraform fmt -recursive infra'" >&2; exit 1; }
  echo "terraform fmt -check: ok"
else
  echo "terraform fmt -check: skipped (terraform is not installed)"
fi

# The deploy script's tests run it under PowerShell (the global tool, pinned, into .tools/).
if [ ! -x .tools/pwsh ]; then
  dotnet tool install PowerShell --version 7.6.9 --tool-path .tools >/dev/null
fi

# The Lambda zips (Native AOT, glibc <= 2.34 checked) that the packaged-binary tests start: x64,
# and arm64 (Graviton) cross-compiled with clang and Debian's arm64 C runtime, then run under qemu
# with Debian's arm64 glibc and OpenSSL (multiarch). The suite runs on x64 Linux, as CI does.
if [ "$(uname -m)" != "x86_64" ]; then
  echo "scripts/test.sh runs on x64 Linux (it cross-builds and emulates the arm64 zip)." >&2
  exit 1
fi
arm64_tools=(/usr/aarch64-linux-gnu/lib/crt1.o /usr/bin/aarch64-linux-gnu-objcopy /usr/bin/qemu-aarch64-static /usr/lib/aarch64-linux-gnu/libssl.so.3 /usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1)
missing_arm64=0
for tool in "${arm64_tools[@]}"; do [ -e "$tool" ] || missing_arm64=1; done
command -v clang >/dev/null 2>&1 || command -v clang-14 >/dev/null 2>&1 || missing_arm64=1
if [ "$missing_arm64" -eq 1 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing the arm64 cross toolchain, qemu and arm64 OpenSSL for the Graviton zip..."
    dpkg --add-architecture arm64
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      clang libc6-dev-arm64-cross libgcc-12-dev-arm64-cross binutils-aarch64-linux-gnu qemu-user-static libssl3:arm64 libfaketime:arm64 >/dev/null
  else
    echo "The arm64 zip needs: sudo dpkg --add-architecture arm64 && sudo apt-get update && sudo apt-get install -y clang libc6-dev-arm64-cross libgcc-12-dev-arm64-cross binutils-aarch64-linux-gnu qemu-user-static libssl3:arm64 libfaketime:arm64" >&2
    exit 1
  fi
fi
bash scripts/package-lambda.sh artifacts/lambda
PRICEFEED_ARCH=arm64 bash scripts/package-lambda.sh artifacts/lambda-arm64

dotnet build PriceFeed.slnx -c Release -nologo -clp:ErrorsOnly
status=0
# One test project at a time: the browser and the real-time rate-limit tests share 2 cores.
dotnet test PriceFeed.slnx -c Release --no-build -nologo -m:1 \
  --results-directory "$results" --logger "trx" --logger "console;verbosity=minimal" || status=$?

# Green on any day: every test project once more with the machine's clock moved by libfaketime to
# a moment no test was written at, 13 months ahead (past the embedded NSE holiday list) at
# 06:01 IST, just after the daily token reset. The weekday moves with the real date. Another
# moment: PRICEFEED_SHIFTED_CLOCK='2027-06-19 04:00:00' (UTC).
shifted="${PRICEFEED_SHIFTED_CLOCK:-$(date -u -d '+397 days' '+%Y-%m-%d') 00:31:00}"
echo "time-shifted pass: the clock reads ${shifted} UTC"
TZ=UTC faketime -f "@${shifted}" dotnet test PriceFeed.slnx -c Release --no-build -nologo -m:1 \
  --results-directory "$results/shifted" --logger "trx" --logger "console;verbosity=minimal" || status=$?

# One closing line over every test project, from the TRX counters.
summary() {
  local passed=0 failed=0 skipped=0 total=0 trx counters t p f e
  for trx in "$1"/*.trx; do
    [ -f "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    t=$(get total); p=$(get passed); f=$(get failed); e=$(get executed)
    total=$((total + ${t:-0})); passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${t:-0} - ${e:-0}))
  done
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
  [ "$total" -gt 0 ]
}
shifted_line=$(summary "$results/shifted") || { echo "The time-shifted pass ran no test." >&2; status=1; }
echo "time-shifted pass (${shifted} UTC): ${shifted_line}"
line=$(summary "$results") || { echo "No test ran." >&2; exit 1; }
echo "tests: ${line}"
exit "$status"
