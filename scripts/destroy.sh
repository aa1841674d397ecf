#!/usr/bin/env bash
# Removes the PriceFeed stack that scripts/deploy.sh made, and what the app itself created under
# /{project} in SSM (tokens, binding, setup code, runs, cookie keys). The lake's data stays unless
# you ask for it to go:
#
#   scripts/destroy.sh                 everything but the lake bucket and its data
#   scripts/destroy.sh --delete-data   everything, the candles and every old version included
#
# Uses the choices deploy.sh remembered in infra/pricefeed.auto.tfvars (project, region, email) and
# the state in infra/, so run it from the clone you deployed from. docs/deploy-aws.md, "Teardown".
set -euo pipefail
cd "$(dirname "$0")/.."

delete_data=0
case "${1:-}" in
  -h|--help|-\?) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --delete-data) delete_data=1 ;;
  "") ;;
  *) echo "destroy: unknown option '$1'; the only one is --delete-data (scripts/destroy.sh --help)." >&2; exit 2 ;;
esac

for tool in terraform aws; do
  command -v "$tool" >/dev/null 2>&1 || { echo "destroy: '$tool' is not installed (see docs/deploy-aws.md, Prerequisites)." >&2; exit 1; }
done
settings="${PRICEFEED_SETTINGS:-infra/pricefeed.auto.tfvars}"
if [[ ! -f "$settings" ]]; then
  echo "destroy: $settings is missing, so which stack to remove is unknown: run this from the clone you deployed from." >&2
  exit 1
fi
remembered() { sed -n "s/^$1 *= *\"\(.*\)\"\$/\1/p" "$settings" | tail -n 1; }
project="$(remembered project_name)"
region="$(remembered aws_region)"
project="${project:-stock-pipeline}"
region="${region:-ap-south-1}"
if ! account=$(aws sts get-caller-identity --query Account --output text 2>/dev/null); then
  echo "destroy: no usable AWS credentials (aws sts get-caller-identity failed): run 'aws configure' or set AWS_PROFILE." >&2
  exit 1
fi

what="the stack '${project}' in ${region} (account ${account})"
[[ $delete_data -eq 1 ]] && what="${what}, AND the lake bucket with all its candles"
if [[ "${PRICEFEED_CONFIRM:-}" != "$project" ]]; then
  read -r -p "Remove ${what}? Type the project name to confirm: " answer || answer=""
  [[ "$answer" == "$project" ]] || { echo "destroy: not confirmed; nothing was removed."; exit 1; }
fi

terraform -chdir=infra init -input=false >/dev/null
if [[ $delete_data -eq 1 ]]; then
  # force_destroy must be in the state before destroy can empty a versioned bucket.
  terraform -chdir=infra apply -input=false -auto-approve -target=aws_s3_bucket.lake -var destroy_lake_data=true
  terraform -chdir=infra destroy -input=false -auto-approve -var destroy_lake_data=true
else
  # The bucket and its settings leave Terraform's care but stay in AWS with the data.
  bucket=$(terraform -chdir=infra output -raw lake_bucket 2>/dev/null || true)
  for resource in $(terraform -chdir=infra state list 2>/dev/null | grep '^aws_s3_bucket[a-z_]*\.lake$' || true); do
    terraform -chdir=infra state rm "$resource" >/dev/null
  done
  terraform -chdir=infra destroy -input=false -auto-approve
fi

# What the app wrote itself: parameters under /{project} (Terraform never held them).
names=$(aws ssm get-parameters-by-path --region "$region" --path "/${project}" --recursive --query 'Parameters[].Name' --output text 2>/dev/null || true)
if [[ -n "$names" && "$names" != "None" ]]; then
  printf '%s\n' $names | xargs -n 10 aws ssm delete-parameters --region "$region" --names >/dev/null
fi

echo "Removed ${what}."
if [[ $delete_data -eq 0 && -n "${bucket:-}" ]]; then
  echo "The lake bucket ${bucket} was kept with your data. To delete it later, empty it in the S3 console"
  echo "(Empty bucket removes every old version too), then: aws s3 rb s3://${bucket}"
  echo "To deploy again over the kept bucket and its data: scripts/deploy.sh --adopt (it takes the bucket back into this clone's state)."
fi
