# One role per function, each allowed only what its code does (docs/deploy-aws.md, "Permissions").

# Who may assume each role: the Lambda service for the functions; Scheduler for the scheduler role,
# only on behalf of this account (the confused-deputy guard the Scheduler guide recommends; Lambda's
# execution-role trust takes no such condition).
data "aws_iam_policy_document" "trust" {
  for_each = { lambda = "lambda.amazonaws.com", scheduler = "scheduler.amazonaws.com" }

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [each.value]
    }
    dynamic "condition" {
      for_each = each.key == "scheduler" ? [local.account] : []
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "token_generator" {
  name               = "${local.web_name}-role"
  assume_role_policy = data.aws_iam_policy_document.trust["lambda"].json
}

resource "aws_iam_role" "ingestion" {
  name               = "${local.ingest_name}-role"
  assume_role_policy = data.aws_iam_policy_document.trust["lambda"].json
}

# The token generator: the only writer of /{project}/fyers/*.
data "aws_iam_policy_document" "token_generator" {
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.token_generator.arn}:*"]
  }

  statement {
    sid       = "FyersParametersReadWrite"
    actions   = ["ssm:GetParameters", "ssm:PutParameter"]
    resources = ["${local.ssm_fyers_path}/*", local.ssm_token_check]
  }

  # The watchlist card (owner only): the same parameter the ingestion function reads at each run.
  statement {
    sid       = "WatchlistReadWrite"
    actions   = ["ssm:GetParameter", "ssm:PutParameter"]
    resources = [local.ssm_watchlist]
  }

  # /data (owner only): reads the stored candles, never writes the lake.
  statement {
    sid       = "LakeCandlesRead"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.lake_prefix}candles/*"]
  }

  # The given-up days the page and /data show apart (issue 19): the gap ledger, read only.
  statement {
    sid       = "LakeGapsRead"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.lake_prefix}_state/gaps.json"]
  }

  # The feed card's stream line on AWS (issue 22): the stream shifts' handover object, read only.
  statement {
    sid       = "StreamStatusRead"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.lake_prefix}_state/stream/shift.json"]
  }

  statement {
    sid       = "LakeCandlesList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.lake_prefix}candles/*"]
    }
  }

  # The feed card: the last run of each job, written by the ingestion function.
  statement {
    sid       = "RunsRead"
    actions   = ["ssm:GetParameters"]
    resources = [local.ssm_runs]
  }

  # The page warns when the NSE holiday list runs out; the added holidays live in this parameter.
  statement {
    sid       = "HolidaysRead"
    actions   = ["ssm:GetParameter"]
    resources = [local.ssm_holidays]
  }

  # The Data Protection key ring (login-state and antiforgery cookies) shared by all instances.
  statement {
    sid       = "DataProtectionKeysList"
    actions   = ["ssm:GetParametersByPath"]
    resources = [local.ssm_dp_path, "${local.ssm_dp_path}/*"]
  }

  statement {
    sid       = "DataProtectionKeysWrite"
    actions   = ["ssm:PutParameter"]
    resources = ["${local.ssm_dp_path}/*"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "CustomerKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "token_generator" {
  name   = "${local.web_name}-policy"
  role   = aws_iam_role.token_generator.id
  policy = data.aws_iam_policy_document.token_generator.json
}

# Ingestion: reads the token, records a rejection in /status/token_check, owns the lake prefix.
data "aws_iam_policy_document" "ingestion" {
  statement {
    sid       = "OwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.ingestion.arn}:*"]
  }

  statement {
    sid       = "FyersParametersRead"
    actions   = ["ssm:GetParameters"]
    resources = concat([for name in local.job_token_parameters : "${local.ssm_fyers_path}/${name}"], [local.ssm_token_check])
  }

  statement {
    sid       = "WatchlistRead"
    actions   = ["ssm:GetParameter"]
    resources = [local.ssm_watchlist]
  }

  statement {
    sid       = "HolidaysRead"
    actions   = ["ssm:GetParameter"]
    resources = [local.ssm_holidays]
  }

  statement {
    sid       = "TokenCheckWrite"
    actions   = ["ssm:PutParameter"]
    resources = [local.ssm_token_check]
  }

  # Each run's summary, for the token page's feed card.
  statement {
    sid       = "RunsWrite"
    actions   = ["ssm:PutParameter"]
    resources = [local.ssm_runs]
  }

  statement {
    sid       = "LakeObjects"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.lake_prefix}*"]
  }

  # A run releases the lake's writer lease with a conditional DeleteObject (S3DataSink); it may delete
  # that one key and nothing else in the lake. Proven by the IAM check (AwsPermissionTests).
  statement {
    sid       = "LakeLockRelease"
    actions   = ["s3:DeleteObject"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.lake_prefix}_state/writer.lock"]
  }

  # The end-of-day job deletes the stream shifts' staged tick pieces once they read back from the
  # day's Parquet (TickCompactor); nothing else under staging/ exists.
  statement {
    sid       = "StagedTicksDelete"
    actions   = ["s3:DeleteObject"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.lake_prefix}staging/ticks/*"]
  }

  # Listing is what makes a missing object answer 404 instead of 403, limited to the lake prefix.
  statement {
    sid       = "LakeList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.lake_prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "CustomerKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "ingestion" {
  name   = "${local.ingest_name}-policy"
  role   = aws_iam_role.ingestion.id
  policy = data.aws_iam_policy_document.ingestion.json
}

# EventBridge Scheduler may invoke the ingestion function and nothing else.
resource "aws_iam_role" "scheduler" {
  name               = "${var.project_name}-scheduler-role"
  assume_role_policy = data.aws_iam_policy_document.trust["scheduler"].json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeIngestion"
    actions   = ["lambda:InvokeFunction"]
    resources = concat([aws_lambda_function.ingestion.arn], aws_lambda_function.stream[*].arn)
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "${var.project_name}-scheduler-policy"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

# `pricefeed verify --repair` against the S3 lake, run by a person from their own machine (the
# functions never run it): it reads every lake file, moves unreadable ones to quarantine/ (a copy and
# a delete), rewinds cursors and ledgers, and refetches the missing days with the current token.
# Not a resource (it would be one more fixed name to adopt): the output lake_maintenance_policy is
# its JSON, to put on the IAM user or role you run it as (docs/deploy-aws.md, "Checking the lake").
data "aws_iam_policy_document" "lake_maintenance" {
  statement {
    sid       = "LakeObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.lake_prefix}*"]
  }

  statement {
    sid       = "LakeList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.lake_prefix}*"]
    }
  }

  # The refetch reads the token as the jobs do, and records its run for the page.
  statement {
    sid       = "FyersParametersRead"
    actions   = ["ssm:GetParameters"]
    resources = concat([for name in local.job_token_parameters : "${local.ssm_fyers_path}/${name}"], [local.ssm_token_check])
  }

  statement {
    sid       = "WatchlistRead"
    actions   = ["ssm:GetParameter"]
    resources = [local.ssm_watchlist, local.ssm_holidays]
  }

  statement {
    sid       = "RunsWrite"
    actions   = ["ssm:PutParameter"]
    resources = [local.ssm_runs, local.ssm_token_check]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "CustomerKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}
