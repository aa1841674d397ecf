#!/usr/bin/env bash
# Builds the Lambda zip and deploys PriceFeed to your AWS account with Terraform, then prints the
# page to bookmark and the redirect URI to register in your FYERS app.
#
#   scripts/deploy.sh [--skip-build] [--adopt] you@example.com [extra terraform args, e.g. -var project_name=my-feed]
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

usage() {
  cat <<'USAGE'
usage: scripts/deploy.sh [--skip-build] [--adopt] [you@example.com] [terraform args, e.g. -var project_name=my-feed]

  you@example.com   receives the alarms (token not valid, ingestion failed, budget). Needed the
                    first time; later runs reuse it from infra/pricefeed.auto.tfvars.
  --skip-build      deploy artifacts/lambda/pricefeed-lambda.zip as it is.
  --adopt           take over a stack of the same names that this clone did not create (the seed
                    design's, another clone's): what exists is imported, then made this design.
  -var project_name=... / -var aws_region=...   are remembered for updates and scripts/destroy.sh.
USAGE
}

build=1
adopt=0
email=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help|-\?) usage; exit 0 ;;
    --skip-build) build=0; shift ;;
    --adopt) adopt=1; shift ;;
    -*) break ;;
    *) email="$1"; shift; break ;;
  esac
done

settings="${PRICEFEED_SETTINGS:-infra/pricefeed.auto.tfvars}"
remembered() { if [[ -f "$settings" ]]; then sed -n "s/^$1 *= *\"\(.*\)\"\$/\1/p" "$settings" | tail -n 1; fi; }
email="${email:-${NOTIFICATION_EMAIL:-$(remembered notification_email)}}"
if [[ -z "$email" ]]; then
  echo "deploy: which address should receive the alarms? scripts/deploy.sh you@example.com (scripts/deploy.sh --help for more)." >&2
  exit 2
fi
if [[ ! "$email" =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]]; then
  echo "deploy: '$email' is not an email address; alarms would go nowhere." >&2
  exit 2
fi

# Choices that must be the same for updates and for destroy: remembered in the settings file,
# which terraform reads by itself (*.auto.tfvars). Command-line values win and are remembered.
project="$(remembered project_name)"; region="$(remembered aws_region)"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[$i]}" == "-var" && $((i + 1)) -lt ${#args[@]} ]]; then
    case "${args[$((i + 1))]}" in
      project_name=*) project="${args[$((i + 1))]#project_name=}" ;;
      aws_region=*) region="${args[$((i + 1))]#aws_region=}" ;;
    esac
  fi
done
project="${project:-stock-pipeline}"
region="${region:-ap-south-1}"

tools=(terraform aws)
[[ $build -eq 1 ]] && tools+=(dotnet zip objdump)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "deploy: '$tool' is not installed (see docs/deploy-aws.md, Prerequisites)." >&2; exit 1; }
done

# Credentials first: a missing profile should not cost the 1.5-minute AOT build.
if ! account=$(aws sts get-caller-identity --query Account --output text 2>/dev/null); then
  echo "deploy: no usable AWS credentials (aws sts get-caller-identity failed): run 'aws configure' or set AWS_PROFILE, then try again." >&2
  exit 1
fi
echo "== AWS account ${account}, region ${region}, project ${project}"

fill() { local s="${1//\{project\}/$project}"; s="${s//\{account\}/$account}"; printf '%s' "${s//\{region\}/$region}"; }
exists() {
  local check="$1" name="$2"
  case "$check" in
    log-group) [[ "$(aws logs describe-log-groups --region "$region" --log-group-name-prefix "$name" --query "length(logGroups[?logGroupName=='${name}'])" --output text 2>/dev/null)" == "1" ]] ;;
    iam-role) aws iam get-role --role-name "$name" >/dev/null 2>&1 ;;
    lambda) aws lambda get-function --region "$region" --function-name "$name" >/dev/null 2>&1 ;;
    lambda-permission) grep -Eq "\"Sid\" *: *\"${name#*/}\"" <<<"$(aws lambda get-policy --region "$region" --function-name "${name%%/*}" --query Policy --output text 2>/dev/null || true)" ;;
    ssm-parameter) aws ssm get-parameter --region "$region" --name "$name" >/dev/null 2>&1 ;;
    s3-bucket) aws s3api head-bucket --bucket "$name" >/dev/null 2>&1 ;;
    sns-topic) aws sns get-topic-attributes --region "$region" --topic-arn "$name" >/dev/null 2>&1 ;;
    schedule-group) aws scheduler get-schedule-group --region "$region" --name "$name" >/dev/null 2>&1 ;;
    schedule) aws scheduler get-schedule --region "$region" --group-name "${name%%/*}" --name "${name#*/}" >/dev/null 2>&1 ;;
    budget) aws budgets describe-budget --account-id "$account" --budget-name "$name" >/dev/null 2>&1 ;;
    *) echo "deploy: infra/adopt.tsv names an unknown check '$check'." >&2; exit 1 ;;
  esac
}
# A stack of the same name that this clone's state does not know (the seed design's, a deploy from
# another clone, or this one's after a teardown that kept the lake bucket) would end in "already
# exists" errors halfway through the apply: asked before the build, for every fixed name infra/adopt.tsv lists.
if [[ $adopt -eq 0 && ! -s infra/terraform.tfstate ]]; then
  taken=()
  while IFS=$'\t' read -r address check name id; do
    [[ -z "$address" || "$address" == \#* ]] && continue
    name="$(fill "$name")"
    if exists "$check" "$name"; then taken+=("$name"); fi
  done < infra/adopt.tsv
  if [[ ${#taken[@]} -gt 0 ]]; then
    echo "deploy: a stack named '${project}' already exists in ${region} (${#taken[@]} of its names are taken, e.g. ${taken[0]}) but this clone has no Terraform state for it. Choose:" >&2
    echo "  take it over (bucket and parameters kept): scripts/deploy.sh --adopt ${email}" >&2
    echo "  deploy beside it:                          scripts/deploy.sh ${email} -var project_name=my-feed" >&2
    echo "  or run this from the clone that made it. docs/deploy-aws.md, \"A stack of the same name\", explains each." >&2
    exit 1
  fi
fi

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
# -upgrade: a .terraform.lock.hcl from an older checkout may pin the AWS provider below what
# versions.tf needs; with it, init picks the newest provider the constraints allow (docs/deploy-aws.md).
terraform -chdir=infra init -input=false -upgrade

# --adopt: each resource infra/adopt.tsv lists that this clone's state lacks and AWS has under its
# name becomes an import block for this one apply (Terraform >= 1.5 imports them as part of the
# plan you approve); the file is removed afterwards, whatever the outcome.
adopt_file="${PRICEFEED_ADOPT_FILE:-infra/adopt.tf}"
if [[ $adopt -eq 1 ]]; then
  known="$(terraform -chdir=infra state list 2>/dev/null || true)"
  trap 'rm -f "$adopt_file"' EXIT
  echo "# Written by scripts/deploy.sh --adopt for one apply, then removed (infra/adopt.tsv says why)." > "$adopt_file"
  adopted=0
  while IFS=$'\t' read -r address check name id; do
    [[ -z "$address" || "$address" == \#* ]] && continue
    grep -qxF "$address" <<<"$known" && continue
    name="$(fill "$name")"
    if exists "$check" "$name"; then
      printf 'import {\n  to = %s\n  id = "%s"\n}\n\n' "$address" "$(fill "$id")" >> "$adopt_file"
      echo "  adopting ${address} (${name})"
      adopted=$((adopted + 1))
    fi
  done < infra/adopt.tsv
  echo "== ${adopted} existing resources to adopt: the plan below lists them as imports. An old HTTP API of the same name is not adopted (docs/deploy-aws.md)."
fi
cat > "$settings" <<SETTINGS
# Written by scripts/deploy.sh: the choices updates and scripts/destroy.sh must repeat.
notification_email  = "${email}"
project_name        = "${project}"
aws_region          = "${region}"
lambda_zip          = "../artifacts/lambda/pricefeed-lambda.zip"
lambda_architecture = "${architecture}"
SETTINGS
terraform -chdir=infra apply -input=false -var "notification_email=${email}" -var "lambda_zip=../artifacts/lambda/pricefeed-lambda.zip" -var "lambda_architecture=${architecture}" "$@"

# Stacks from before the token parameters left Terraform had their decrypted values in the state; the
# apply that forgets them leaves the old state as terraform.tfstate.backup (and state commands leave
# *.backup copies). Those copies are deleted here, and the owner told to rotate what they held.
leaked=()
for copy in infra/terraform.tfstate.backup infra/terraform.tfstate.*.backup; do
  [[ -f "$copy" ]] || continue
  if grep -Eq "\"/${project}/fyers/(app_secret|access_token|refresh_token)\"" "$copy" && ! grep -Eq "\"/${project}/fyers/(app_secret|access_token|refresh_token)\"" infra/terraform.tfstate 2>/dev/null; then
    rm -f "$copy"
    leaked+=("$copy")
  fi
done
if [[ ${#leaked[@]} -gt 0 ]]; then
  echo "== Deleted ${leaked[*]}: an old state copy held the FYERS App Secret and tokens in plain text." >&2
  echo "   Rotate the App Secret in the FYERS API dashboard, save the new one on the token page, and log in again." >&2
fi

url=$(terraform -chdir=infra output -raw token_generator_url)
redirect=$(terraform -chdir=infra output -raw fyers_redirect_uri)

# Until the first login binds a FYERS account, the page accepts credentials only with a one-time
# setup code (docs/token-generator.md, "Threat model"). It is made here and shown on this terminal
# only; SSM gets its SHA-256, so the code itself is never an argument, an output or in any state.
bound=$(aws ssm get-parameter --region "$region" --name "/${project}/fyers/bound_account" --with-decryption --query Parameter.Value --output text 2>/dev/null || true)
if [[ -n "$bound" && "$bound" != "placeholder" && "$bound" != "None" ]]; then
  setup_line="  Already set up: a FYERS account is bound (no setup code needed)."
else
  alphabet=ABCDEFGHJKMNPQRSTUVWXYZ23456789
  raw=""
  for _ in $(seq 16); do raw+="${alphabet:$(( $(od -An -N4 -tu4 /dev/urandom) % 31 )):1}"; done
  hash=$(printf '%s' "$raw" | sha256sum | cut -d' ' -f1)
  aws ssm put-parameter --region "$region" --name "/${project}/fyers/setup_code" --type SecureString --value "$hash" --overwrite >/dev/null
  setup_line="  Setup code for the first save on the page: ${raw:0:4}-${raw:4:4}-${raw:8:4}-${raw:12:4}"
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
