#!/usr/bin/env bash
# Builds the Lambda deployment zip: the Native AOT `pricefeed` binary (built with
# -p:PriceFeedLambda=true, so no DuckDB) plus `run.sh`, the handler the Lambda Web Adapter's
# /opt/bootstrap execs on the managed dotnet10 runtime (docs/deploy-aws.md).
#
#   scripts/package-lambda.sh [OUT_DIR]     default OUT_DIR: artifacts/lambda
#   PRICEFEED_ARCH=arm64 scripts/package-lambda.sh artifacts/lambda-arm64
#
# PRICEFEED_ARCH is x64 or arm64 (Graviton), default this machine's. Building for the other one is a
# Native AOT cross-compile: it needs clang and the target's C runtime, which the script checks for
# and names (on Debian/Ubuntu x64 for arm64: clang libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
# binutils-aarch64-linux-gnu). Next to the zip, pricefeed-lambda.json records what was built;
# scripts/deploy.sh reads the architecture from it.
#
# Fails if the binary needs a glibc newer than 2.34 (Amazon Linux 2023's), or a shared library
# Amazon Linux 2023 may lack, because such a binary would die at cold start with a loader error
# that no test here could see.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-artifacts/lambda}"
case "$(uname -m)" in
  x86_64) host_arch=x64 ;;
  aarch64 | arm64) host_arch=arm64 ;;
  *) host_arch=$(uname -m) ;;
esac
arch="${PRICEFEED_ARCH:-$host_arch}"
max_glibc="2.34"
case "$arch" in
  x64) gnu=x86_64-linux-gnu; deb_arch=amd64 ;;
  arm64) gnu=aarch64-linux-gnu; deb_arch=arm64 ;;
  *) echo "package-lambda: PRICEFEED_ARCH must be x64 or arm64, not '$arch'." >&2; exit 2 ;;
esac

cross=()
if [[ "$arch" != "$host_arch" ]]; then
  # Cross-compiling (learn.microsoft.com/dotnet/core/deploying/native-aot/cross-compile): clang links
  # for the target (gcc cannot take --target), against Debian's cross C runtime in /usr/$gnu.
  clang=$(command -v clang || compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -1 || true)
  missing=()
  [[ -n "$clang" ]] || missing+=("clang")
  [[ -f "/usr/$gnu/lib/crt1.o" ]] || missing+=("libc6-dev-$deb_arch-cross")
  compgen -G "/usr/lib/gcc-cross/$gnu/*/crtbeginS.o" >/dev/null || missing+=("libgcc-12-dev-$deb_arch-cross")
  command -v "$gnu-objcopy" >/dev/null 2>&1 || missing+=("binutils-${gnu//_/-}")
  if ((${#missing[@]})); then
    echo "package-lambda: building for $arch on this $host_arch machine needs a cross toolchain. Install: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  cross=(-p:CppCompilerAndLinker="$clang" -p:ObjCopyName="$gnu-objcopy")
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
publish="$out/publish"
rm -rf "$publish" "$out/pricefeed-lambda.zip" "$out/pricefeed-lambda.json"
mkdir -p "$publish"
dotnet publish src/PriceFeed -c Release -r "linux-$arch" -p:PriceFeedLambda=true -o "$publish" -nologo -clp:ErrorsOnly "${cross[@]}"

binary="$publish/pricefeed"
[[ -x "$binary" ]] || { echo "package-lambda: $binary was not produced." >&2; exit 1; }

# The highest GLIBC_x.y symbol version the binary (and anything it links) asks for.
needed=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
if [[ "$(printf '%s\n%s\n' "$needed" "$max_glibc" | sort -V | tail -1)" != "$max_glibc" ]]; then
  echo "package-lambda: the binary needs glibc $needed; Amazon Linux 2023 has $max_glibc. Build on an older distribution." >&2
  exit 1
fi
# Only libraries every Amazon Linux 2023 Lambda has (glibc's own, libgcc, libstdc++, zlib). This reads
# the ELF header, so it works for a cross-built binary too, and it checks Lambda, not this machine.
unexpected=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' \
  | grep -vE '^(libc|libm|libdl|libpthread|librt|libgcc_s|libstdc\+\+|libz)\.so\.[0-9]+$|^ld-linux-(x86-64|aarch64)\.so\.[0-9]+$' || true)
if [[ -n "$unexpected" ]]; then
  echo "package-lambda: the binary needs shared libraries a Lambda may not have: $unexpected" >&2
  exit 1
fi
machine=$(readelf -h "$binary" | sed -n 's/.*Machine: *//p')
case "$arch:$machine" in
  x64:*X86-64* | arm64:*AArch64*) ;;
  *) echo "package-lambda: asked for $arch, but the binary is built for '$machine'." >&2; exit 1 ;;
esac

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
lambda_arch=$([[ "$arch" == arm64 ]] && echo arm64 || echo x86_64)
printf '{"zip":"%s","zip_bytes":%d,"binary_bytes":%d,"glibc_needed":"%s","glibc_max":"%s","arch":"%s","lambda_architecture":"%s"}\n' \
  "$out/pricefeed-lambda.zip" "$zip_bytes" "$bin_bytes" "$needed" "$max_glibc" "$arch" "$lambda_arch" | tee "$out/pricefeed-lambda.json"
