#!/usr/bin/env bash
# Builds the Lambda zip and deploys PriceFeed to your AWS account with Terraform, then prints the
# page to bookmark and the redirect URI to register in your FYERS app.
#
#   scripts/deploy.sh [--skip-build] you@example.com [extra terraform args, e.g. -var project_name=my-feed]
#
# --skip-build deploys artifacts/lambda/pricefeed-lambda.zip as it is (built earlier, or by CI).
# PRICEFEED_ARCH=arm64 builds for Graviton (cheaper; from an x64 machine it needs the cross
# toolchain scripts/package-lambda.sh names). The functions get the architecture the zip was built
# for, read from artifacts/lambda/pricefeed-lambda.json.
#
# Needs: the .NET 10 SDK, zip, terraform >= 1.11, and AWS credentials (aws configure / AWS_PROFILE).
# Run it again to update; Terraform changes only what changed. docs/deploy-aws.md explains it all.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [[ "${1:-}" == "--skip-build" ]]; then
  build=0
  shift
fi
email="${1:-${NOTIFICATION_EMAIL:-}}"
if [[ -z "$email" ]]; then
  echo "usage: scripts/deploy.sh [--skip-build] you@example.com [terraform args...]" >&2
  echo "The address receives the alarms (token not valid, ingestion failed, budget)." >&2
  exit 2
fi
if [[ ! "$email" =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]]; then
  echo "deploy: '$email' is not an email address; alarms would go nowhere." >&2
  exit 2
fi
shift || true

tools=(terraform)
[[ $build -eq 1 ]] && tools+=(dotnet zip objdump)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "deploy: '$tool' is not installed (see docs/deploy-aws.md, Prerequisites)." >&2; exit 1; }
done

zip_path=artifacts/lambda/pricefeed-lambda.zip
manifest=artifacts/lambda/pricefeed-lambda.json
if [[ $build -eq 1 ]]; then
  echo "== Building the Lambda package (Native AOT, linux-${PRICEFEED_ARCH:-$(uname -m)})"
  bash scripts/package-lambda.sh artifacts/lambda
elif [[ ! -f "$zip_path" || ! -f "$manifest" ]]; then
  echo "deploy: --skip-build, but $zip_path (or $manifest) does not exist: run scripts/package-lambda.sh first." >&2
  exit 1
fi
architecture=$(sed -n 's/.*"lambda_architecture":"\([a-z0-9_]*\)".*/\1/p' "$manifest")
if [[ "$architecture" != "x86_64" && "$architecture" != "arm64" ]]; then
  echo "deploy: $manifest does not say which architecture the zip is for: rebuild it with scripts/package-lambda.sh." >&2
  exit 1
fi

echo "== terraform init / apply in infra/"
terraform -chdir=infra init -input=false
terraform -chdir=infra apply -input=false -var "notification_email=${email}" -var "lambda_zip=../artifacts/lambda/pricefeed-lambda.zip" -var "lambda_architecture=${architecture}" "$@"

url=$(terraform -chdir=infra output -raw token_generator_url)
redirect=$(terraform -chdir=infra output -raw fyers_redirect_uri)
project=$(terraform -chdir=infra output -raw project_name)
region=$(terraform -chdir=infra output -raw aws_region)

# Until the first login binds a FYERS account, the page accepts credentials only with a one-time
# setup code. It is made here, with your AWS credentials, straight into SSM, and shown only on this
# terminal: never a command-line argument, an output or Terraform state.
setup_line="  Run 'Tokens__Store=ssm Tokens__Project=${project} AWS_REGION=${region} pricefeed token setup-code' for the setup code."
if command -v dotnet >/dev/null 2>&1; then
  if code_output=$(Tokens__Store=ssm Tokens__Project="$project" AWS_REGION="$region" dotnet run --project src/PriceFeed -c Release -- token setup-code 2>&1); then
    setup_line="  ${code_output}"
  elif [[ "$code_output" == *"already bound"* ]]; then
    setup_line="  Already set up: a FYERS account is bound (no setup code needed)."
  fi
fi

cat <<DONE

Deployed.
  Token page (bookmark it):              ${url}
  Redirect URI for your FYERS app:       ${redirect}
${setup_line}

Next:
  1. Confirm the subscription email AWS just sent to ${email} (no alerts until you do).
  2. In myapi.fyers.in/dashboard, set your app's Redirect URL to the address above.
  3. Open the token page, enter the setup code and the app's Client ID and Secret once, and log in with FYERS.
DONE
