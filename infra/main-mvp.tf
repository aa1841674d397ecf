# PriceFeed on AWS: the same Native AOT binary as two Lambda functions behind the Lambda Web Adapter.
#
#   {project}-token-generator  the page and JSON API, behind an HTTP API with a `prod` stage
#   {project}-ingestion        the jobs, invoked by EventBridge Scheduler through the adapter's
#                              pass-through (POST /events); a 5xx answer becomes a Lambda error
#
# Tokens live in SSM Parameter Store (/{project}/fyers/*), candles in S3, alarms go to email.
# Build the zip first: scripts/package-lambda.sh (scripts/deploy.sh does build + apply).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id
  arn_pfx = "arn:${data.aws_partition.current.partition}"

  web_name    = "${var.project_name}-token-generator"
  ingest_name = "${var.project_name}-ingestion"

  # The adapter's layer for the zip's architecture, pinned (docs/deploy-aws.md A1).
  lwa_layer_name = { x86_64 = "LambdaAdapterLayerX86", arm64 = "LambdaAdapterLayerArm64" }
  lwa_layer      = "${local.arn_pfx}:lambda:${var.aws_region}:753240598075:layer:${local.lwa_layer_name[var.lambda_architecture]}:${var.lwa_layer_version}"

  # What the ingestion role may read under /{project}/fyers/ (TokenParameters.ForJobs): never the
  # app secret, the refresh token or the setup code.
  job_token_parameters = ["access_token", "client_id", "bound_account"]
  ssm_fyers_path       = "${local.arn_pfx}:ssm:${var.aws_region}:${local.account}:parameter/${var.project_name}/fyers"
  ssm_token_check      = "${local.arn_pfx}:ssm:${var.aws_region}:${local.account}:parameter/${var.project_name}/status/token_check"
  ssm_dp_path          = "${local.arn_pfx}:ssm:${var.aws_region}:${local.account}:parameter/${var.project_name}/app/data-protection"
  ssm_runs             = "${local.arn_pfx}:ssm:${var.aws_region}:${local.account}:parameter/${var.project_name}/status/run-*"
  ssm_watchlist        = "${local.arn_pfx}:ssm:${var.aws_region}:${local.account}:parameter/${var.project_name}/config/watchlist"
  ssm_holidays         = "${local.arn_pfx}:ssm:${var.aws_region}:${local.account}:parameter/${var.project_name}/config/holidays"

  lake_prefix = "lake/"

  # Read on apply only: `terraform destroy` works after the zip is gone (apply without it still
  # stops with the provider's "no such file").
  zip_hash = try(filebase64sha256(var.lambda_zip), null)

  # What both functions share: the managed dotnet10 runtime execs the adapter's /opt/bootstrap,
  # which execs run.sh (`pricefeed serve` on 127.0.0.1:8080).
  common_env = merge(
    {
      AWS_LAMBDA_EXEC_WRAPPER      = "/opt/bootstrap"
      AWS_LWA_PORT                 = "8080"
      AWS_LWA_READINESS_CHECK_PATH = "/healthz"
      Tokens__Store                = "ssm"
      Tokens__Project              = var.project_name
      Ingestion__LocalScheduler    = "false"
      Ingestion__Resolutions       = join(",", var.resolutions)
      Metrics__Detailed            = tostring(var.detailed_metrics)
      # NSE holidays beyond the embedded list, read at every run and page load: no deploy needed.
      Calendar__HolidaysParameter = aws_ssm_parameter.holidays.name
    },
    var.kms_key_arn == null ? {} : { Tokens__KmsKeyId = var.kms_key_arn },
  )
}

# ---------------------------------------------------------------------------------------------
# Log groups first, with retention, so Lambda never creates one that keeps logs forever.

resource "aws_cloudwatch_log_group" "token_generator" {
  name              = "/aws/lambda/${local.web_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_log_group" "ingestion" {
  name              = "/aws/lambda/${local.ingest_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${var.project_name}-http-api"
  retention_in_days = var.log_retention_days
}

# ---------------------------------------------------------------------------------------------
# The functions.

resource "aws_lambda_function" "token_generator" {
  function_name    = local.web_name
  description      = "PriceFeed token generator: the FYERS daily-login page and JSON API."
  role             = aws_iam_role.token_generator.arn
  filename         = var.lambda_zip
  source_code_hash = local.zip_hash
  runtime          = "dotnet10"
  handler          = "run.sh"
  architectures    = [var.lambda_architecture]
  memory_size      = 512
  # API Gateway gives up after 30 s; FYERS calls have their own shorter timeouts.
  timeout = 29
  layers  = [local.lwa_layer]

  environment {
    variables = merge(local.common_env, {
      # HTTP API named stages keep /prod in rawPath; the app strips it into PathBase (docs/deploy-aws.md A2).
      PathBase = "/prod"
      # The one origin the page is served from: CSRF checks and the FYERS callback use it, and any
      # other Host is refused (no Host header is trusted). A custom domain replaces it.
      Web__PublicOrigin = coalesce(var.public_origin, aws_apigatewayv2_api.token_generator.api_endpoint)
      # The page's watchlist card reads and changes the same parameter the jobs read.
      Ingestion__WatchlistParameter = aws_ssm_parameter.watchlist.name
      # /data reads the lake (read only: see the token generator's policy).
      Lake__Sink   = "s3"
      Lake__Bucket = aws_s3_bucket.lake.bucket
      Lake__Prefix = local.lake_prefix
      Lake__Region = var.aws_region
      }, var.owner_client_id == null ? {} : {
      # Deploy-time pins: only this FYERS app and user can ever be set up, setup code or not.
      Tokens__OwnerClientId = var.owner_client_id
      }, var.owner_fyers_id == null ? {} : {
      Tokens__OwnerFyId = var.owner_fyers_id
    })
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.token_generator.name
  }

  depends_on = [aws_iam_role_policy.token_generator]
}

resource "aws_lambda_function" "ingestion" {
  function_name    = local.ingest_name
  description      = "PriceFeed ingestion jobs (intraday, eod, quotes, token-check) from EventBridge Scheduler."
  role             = aws_iam_role.ingestion.arn
  filename         = var.lambda_zip
  source_code_hash = local.zip_hash
  runtime          = "dotnet10"
  handler          = "run.sh"
  architectures    = [var.lambda_architecture]
  memory_size      = 512
  timeout          = 300
  layers           = [local.lwa_layer]

  # The end-of-day job compacts the stream shifts' staged ticks through /tmp (live_stream only).
  ephemeral_storage {
    size = var.live_stream ? var.stream_tmp_mb : 512
  }

  environment {
    variables = merge(local.common_env, {
      Events__Enabled           = "true"
      AWS_LWA_PASS_THROUGH_PATH = "/events"
      # Only here: a failed job (HTTP 5xx) becomes a Lambda error, which the alarm watches. On the
      # token generator it would turn the page's own error answers into API Gateway 502s.
      AWS_LWA_ERROR_STATUS_CODES = "500-599"
      Lake__Sink                 = "s3"
      Lake__Bucket               = aws_s3_bucket.lake.bucket
      Lake__Prefix               = local.lake_prefix
      Lake__Region               = var.aws_region
      # Read at every run: change the watchlist with `aws ssm put-parameter`, no deploy.
      Ingestion__WatchlistParameter = aws_ssm_parameter.watchlist.name
    })
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.ingestion.name
  }

  depends_on = [aws_iam_role_policy.ingestion]
}

# Scheduler invokes asynchronously, and a 5xx (a failed run) is a function error: Lambda's own async
# retries (2 by default, for up to 6 hours) would replay the run about a minute later, on top of the
# next tick and its lake writes. None here: the next scheduled run catches up from the cursors.
resource "aws_lambda_function_event_invoke_config" "ingestion" {
  function_name                = aws_lambda_function.ingestion.function_name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 60
}

# ---------------------------------------------------------------------------------------------
# The token parameters are not Terraform's: the token generator creates /{project}/fyers/* itself
# (PutParameter with Overwrite) at the first save and login. A resource here would put the live,
# decrypted access token, refresh token and app secret into the state at every refresh, whatever
# ignore_changes says. Stacks deployed before this change keep their parameters: Terraform only
# forgets them. scripts/destroy.sh removes them with everything else the app made under /{project}.

removed {
  from = aws_ssm_parameter.fyers

  lifecycle {
    destroy = false
  }
}

# NSE holidays for years the app's embedded list does not have yet ("2028-01-26=Republic Day,...").
# From 1 December the page, /api/status and the holiday_list_missing alarm say when next year's are
# missing; NSE publishes them in December. Terraform writes "none" once; after that:
#   aws ssm put-parameter --name /{project}/config/holidays --value "2028-01-26=Republic Day,2028-03-01" --overwrite
resource "aws_ssm_parameter" "holidays" {
  name        = "/${var.project_name}/config/holidays"
  description = "PriceFeed: NSE holidays added to the embedded calendar, comma-separated yyyy-MM-dd[=name], or \"none\"."
  type        = "String"
  value       = "none"

  lifecycle {
    ignore_changes = [value]
  }
}

# The watchlist, read by every ingestion run. Terraform writes it once (var.watchlist, or "default"
# for the app's built-in list); after that it is yours to change without a deploy:
#   aws ssm put-parameter --name /{project}/config/watchlist --value "NSE:SBIN-EQ,NSE:TCS-EQ" --overwrite
resource "aws_ssm_parameter" "watchlist" {
  name        = "/${var.project_name}/config/watchlist"
  description = "PriceFeed watchlist: comma-separated FYERS symbols, or \"default\" for the built-in list."
  type        = "String"
  value       = length(var.watchlist) == 0 ? "default" : join(",", var.watchlist)

  lifecycle {
    ignore_changes = [value]
  }
}
