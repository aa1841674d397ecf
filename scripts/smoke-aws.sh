#!/usr/bin/env bash
# The last step of a deploy: checks the real stack from outside, one line per check, in about a
# minute. Run it from the clone that deployed (it reads Terraform's outputs):
#
#   scripts/smoke-aws.sh [--no-mail]
#
# It calls the page through API Gateway, invokes the ingestion function with each scheduled job,
# sends one test mail per alarm (ALARM, then back to OK: two emails each; --no-mail only checks that
# every alarm mails the topic), and checks the lake prefix and the parameters. Nothing it does
# changes your data: the jobs are the same idempotent passes the schedules run.
# Exit 0 when every check passed, 1 when one failed (each FAIL line says what to do).
set -uo pipefail
cd "$(dirname "$0")/.."

mail=1
for arg in "$@"; do
  case "$arg" in
    --no-mail) mail=0 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "smoke-aws: unknown option '$arg' (scripts/smoke-aws.sh --help)" >&2; exit 2 ;;
  esac
done

for tool in terraform aws curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "smoke-aws: '$tool' is not installed." >&2; exit 1; }
done

out() { terraform -chdir=infra output -raw "$1" 2>/dev/null; }
url=$(out token_generator_url); project=$(out project_name); region=$(out aws_region)
ingestion=$(out ingestion_function); bucket=$(out lake_bucket); topic=$(out alerts_topic_arn)
if [[ -z "$url" || -z "$project" || -z "$ingestion" ]]; then
  echo "smoke-aws: no Terraform outputs in infra/: run this from the clone that deployed, after scripts/deploy.sh." >&2
  exit 1
fi

failed=0
ok() { printf 'ok    %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; failed=1; }

# 1. The page through API Gateway, with the headers every answer carries.
headers=$(curl -sS -o /dev/null -D - --max-time 30 "$url" 2>&1 | tr -d '\r')
status=$(awk 'toupper($1) ~ /^HTTP/ {code=$2} END {print code}' <<<"$headers")
missing=()
for h in strict-transport-security content-security-policy x-content-type-options referrer-policy; do
  grep -qi "^$h:" <<<"$headers" || missing+=("$h")
done
if [[ "$status" == "200" && ${#missing[@]} -eq 0 ]]; then
  ok "the page answers at $url with its security headers"
else
  fail "the page at $url answered ${status:-nothing}${missing:+, without ${missing[*]}}: see the token generator's log group (docs/deploy-aws.md, Troubleshooting)"
fi
api=$(curl -sS --max-time 30 "${url}api/status" 2>/dev/null)
if grep -q '"token"' <<<"$api"; then ok "the page's API answers (${url}api/status)"; else fail "${url}api/status did not answer with a status: check the token generator's log group"; fi

# 2. Each scheduled job, invoked as Scheduler invokes it. login-needed is a pass: no token yet.
for job in token-check intraday eod; do
  answer=$(mktemp)
  meta=$(aws lambda invoke --region "$region" --function-name "$ingestion" --cli-binary-format raw-in-base64-out \
    --payload "{\"job\":\"$job\"}" --query '[StatusCode,FunctionError]' --output text "$answer" 2>&1)
  run=$(sed -n 's/.*"status":"\([a-z-]*\)".*/\1/p' "$answer" | head -n 1)
  rm -f "$answer"
  if [[ "$meta" == 200* && "$meta" != *Unhandled* && "$run" =~ ^(ok|skipped|login-needed|partial)$ ]]; then
    ok "ingestion job $job runs ($run)"
  else
    fail "ingestion job $job: ${meta//$'\n'/ } ${run:+($run)}: aws logs tail /aws/lambda/$ingestion --since 10m"
  fi
done

# 3. The alarms mail the topic, and the topic reaches you.
pending=$(aws sns list-subscriptions-by-topic --region "$region" --topic-arn "$topic" --query "Subscriptions[?SubscriptionArn=='PendingConfirmation'] | length(@)" --output text 2>/dev/null)
if [[ "$pending" == "0" ]]; then ok "the email subscription to $topic is confirmed"; else fail "the email subscription is not confirmed: click the link in AWS's 'Subscription Confirmation' email (alarms are held until then)"; fi
alarms=$(aws cloudwatch describe-alarms --region "$region" --alarm-name-prefix "${project}-" --query "MetricAlarms[].[AlarmName, contains(AlarmActions, '$topic'), contains(OKActions, '$topic')]" --output text 2>/dev/null)
count=0
while read -r name alarm_action ok_action; do
  [[ -z "$name" ]] && continue
  count=$((count + 1))
  if [[ "$alarm_action" != "True" || "$ok_action" != "True" ]]; then fail "alarm $name does not mail $topic on ALARM and OK: run scripts/deploy.sh again"; continue; fi
  if [[ $mail -eq 1 ]]; then
    if aws cloudwatch set-alarm-state --region "$region" --alarm-name "$name" --state-value ALARM --state-reason "PriceFeed smoke test (scripts/smoke-aws.sh): not a real alarm" >/dev/null 2>&1 \
      && aws cloudwatch set-alarm-state --region "$region" --alarm-name "$name" --state-value OK --state-reason "PriceFeed smoke test: back to OK" >/dev/null 2>&1; then
      ok "alarm $name sent a test mail (ALARM, then OK)"
    else
      fail "alarm $name: set-alarm-state was refused (your credentials need cloudwatch:SetAlarmState)"
    fi
  else
    ok "alarm $name mails the topic on ALARM and OK"
  fi
done <<<"$alarms"
[[ $count -ge 10 ]] || fail "found $count alarms named ${project}-*, expected at least 10: run scripts/deploy.sh again"

# 4. The lake and the parameters.
objects=$(aws s3api list-objects-v2 --bucket "$bucket" --prefix lake/ --max-keys 5 --query 'KeyCount' --output text 2>/dev/null)
if [[ "$objects" =~ ^[1-9] ]]; then ok "the lake s3://$bucket/lake/ holds objects"; else fail "nothing under s3://$bucket/lake/ after the job runs: aws logs tail /aws/lambda/$ingestion --since 10m"; fi
names=$(aws ssm describe-parameters --region "$region" --parameter-filters "Key=Path,Option=Recursive,Values=/${project}" --query 'Parameters[].Name' --output text 2>/dev/null)
for name in "/${project}/config/watchlist" "/${project}/config/holidays"; do
  if grep -qw -- "$name" <<<"$names"; then ok "parameter $name exists"; else fail "parameter $name is missing: run scripts/deploy.sh again"; fi
done
if grep -qE "/${project}/fyers/(bound_account|setup_code)" <<<"$names"; then
  ok "the page is set up or waits for its setup code"
else
  fail "neither /${project}/fyers/setup_code nor a bound account exists: run scripts/deploy.sh again for a setup code"
fi

if [[ $failed -eq 0 ]]; then
  if [[ $mail -eq 1 ]]; then echo "All checks passed. Expect $((count * 2)) test emails (ALARM and OK per alarm)."; else echo "All checks passed."; fi
else
  echo "Some checks failed; each FAIL line says what to do."
fi
exit $failed
