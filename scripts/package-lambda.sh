#!/usr/bin/env bash
# Builds the Lambda deployment zip: the Native AOT `pricefeed` binary (linux-x64, built with
# -p:PriceFeedLambda=true, so no DuckDB) plus `run.sh`, the handler the Lambda Web Adapter's
# /opt/bootstrap execs on the managed dotnet10 runtime (docs/deploy-aws.md).
#
#   scripts/package-lambda.sh [OUT_DIR]     default OUT_DIR: artifacts/lambda
#
# Fails if the binary needs a glibc newer than 2.34 (Amazon Linux 2023's), because such a binary
# would die at cold start with a loader error that no test here could see.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-artifacts/lambda}"
arch="${PRICEFEED_ARCH:-x64}"
max_glibc="2.34"
if [[ "$arch" != "x64" ]]; then
  # arm64 needs a cross linker and sysroot that no CI here installs or tests (docs/deploy-aws.md).
  echo "package-lambda: only x64 is built and tested here (PRICEFEED_ARCH=$arch)." >&2
  exit 2
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
publish="$out/publish"
rm -rf "$publish" "$out/pricefeed-lambda.zip"
mkdir -p "$publish"
dotnet publish src/PriceFeed -c Release -r "linux-$arch" -p:PriceFeedLambda=true -o "$publish" -nologo -clp:ErrorsOnly

binary="$publish/pricefeed"
[[ -x "$binary" ]] || { echo "package-lambda: $binary was not produced." >&2; exit 1; }

# The highest GLIBC_x.y symbol version the binary (and anything it links) asks for.
needed=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
if [[ "$(printf '%s\n%s\n' "$needed" "$max_glibc" | sort -V | tail -1)" != "$max_glibc" ]]; then
  echo "package-lambda: the binary needs glibc $needed; Amazon Linux 2023 has $max_glibc. Build on an older distribution." >&2
  exit 1
fi
if ldd "$binary" 2>/dev/null | grep -q 'not found'; then
  echo "package-lambda: the binary links a library that is not on this machine:" >&2
  ldd "$binary" >&2
  exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -m 755 "$binary" "$stage/pricefeed"
# LF line endings and mode 755 inside the zip (the adapter's zip-packages guide, issue #611).
printf '#!/bin/sh\nexec "${LAMBDA_TASK_ROOT:-$(dirname "$0")}/pricefeed" serve\n' > "$stage/run.sh"
chmod 755 "$stage/run.sh"
# -X: no extra file attributes, so the same binary gives the same zip bytes (and Terraform hash).
touch -d '2026-01-01T00:00:00Z' "$stage/pricefeed" "$stage/run.sh"
(cd "$stage" && zip -X -q -9 "$out/pricefeed-lambda.zip" run.sh pricefeed)

zip_bytes=$(stat -c %s "$out/pricefeed-lambda.zip")
bin_bytes=$(stat -c %s "$binary")
printf '{"zip":"%s","zip_bytes":%d,"binary_bytes":%d,"glibc_needed":"%s","glibc_max":"%s","arch":"%s"}\n' \
  "$out/pricefeed-lambda.zip" "$zip_bytes" "$bin_bytes" "$needed" "$max_glibc" "$arch"
