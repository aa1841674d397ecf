# Live data on AWS (issue 22), opt-in with live_stream = true: FYERS' data socket held in Lambda
# shifts. EventBridge Scheduler starts a shift every 10 minutes of the trading day; each streams the
# watchlist until the next one is live (the handover object _state/stream/shift.json, written only
# with S3's conditional writes), at most its 15-minute timeout, uploading ticks every 30 s to
# staging/ticks/ and writing live 1-minute bars to candles/. The end-of-day job compacts the staged
# ticks into ticks/. Same zip and same role as the ingestion function (the shift reads the token,
# writes the lake and runs the intraday job to refill a handover gap); its own function for its
# own timeout. docs/deploy-aws.md, "Live data", counts what it costs.

locals {
  stream_name = "${var.project_name}-stream"
}

resource "aws_cloudwatch_log_group" "stream" {
  count             = var.live_stream ? 1 : 0
  name              = "/aws/lambda/${local.stream_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "stream" {
  count            = var.live_stream ? 1 : 0
  function_name    = local.stream_name
  description      = "PriceFeed live stream shifts (FYERS data socket into ticks and live bars) from EventBridge Scheduler."
  role             = aws_iam_role.ingestion.arn
  filename         = var.lambda_zip
  source_code_hash = local.zip_hash
  runtime          = "dotnet10"
  handler          = "run.sh"
  architectures    = [var.lambda_architecture]
  memory_size      = var.stream_memory_mb
  # Lambda's maximum: a shift stops 20 s before it (Live:Shift:EndMargin), so the next shift, 10
  # minutes on, has up to 4.5 minutes to come before a gap opens.
  timeout = 900
  layers  = [local.lwa_layer]

  # A shift after the close compacts the day's staged ticks through /tmp (in its 15 minutes).
  ephemeral_storage {
    size = var.stream_tmp_mb
  }

  environment {
    variables = merge(local.common_env, {
      Events__Enabled           = "true"
      AWS_LWA_PASS_THROUGH_PATH = "/events"
      # A shift that never got the socket up answers 500: a Lambda error, which stream_failed watches.
      AWS_LWA_ERROR_STATUS_CODES    = "500-599"
      Lake__Sink                    = "s3"
      Lake__Bucket                  = aws_s3_bucket.lake.bucket
      Lake__Prefix                  = local.lake_prefix
      Lake__Region                  = var.aws_region
      Ingestion__WatchlistParameter = aws_ssm_parameter.watchlist.name
    })
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.stream[0].name
  }

  depends_on = [aws_iam_role_policy.ingestion]
}

# A late retry of a shift is worth nothing: the next one starts in 10 minutes anyway.
resource "aws_lambda_function_event_invoke_config" "stream" {
  count                        = var.live_stream ? 1 : 0
  function_name                = aws_lambda_function.stream[0].function_name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 60
}

resource "aws_scheduler_schedule" "stream" {
  count                        = var.live_stream ? 1 : 0
  name                         = "${var.project_name}-stream-shift"
  group_name                   = aws_scheduler_schedule_group.jobs.name
  description                  = "PriceFeed live stream shift"
  schedule_expression          = var.stream_schedule
  schedule_expression_timezone = "Asia/Kolkata"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.stream[0].arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ job = "stream-shift" })

    retry_policy {
      maximum_retry_attempts       = 0
      maximum_event_age_in_seconds = 60
    }
  }
}

# No ticks for N minutes while a shift streams. Shifts write TicksPerMinute once a minute only when
# they stream: a holiday, a Saturday, the hours outside the session and a missing login (the shift
# stops at once, saying login-needed) leave no data, and missing data is fine here, so the alarm is
# quiet then. A shift that cannot connect writes 0s; one that never starts is the scheduler's and
# the stream function's error alarms' business.
resource "aws_cloudwatch_metric_alarm" "stream_silent" {
  count               = var.live_stream ? 1 : 0
  alarm_name          = "${var.project_name}-stream-silent"
  alarm_description   = "PriceFeed's live stream has had no tick for ${var.stream_silence_alarm_minutes} minutes during a session. Check aws logs tail ${aws_cloudwatch_log_group.stream[0].name} --since 30m; a dead token shows on ${local.page_url}. The REST jobs still store every minute's bar; ticks of these minutes are lost (FYERS keeps no tick history)."
  namespace           = "PriceFeed"
  metric_name         = "TicksPerMinute"
  dimensions          = { Job = "stream" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = var.stream_silence_alarm_minutes
  datapoints_to_alarm = var.stream_silence_alarm_minutes
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# A handover left minutes no shift streamed (a shift killed, or the next one late): reported by the
# next shift, which refills their bars from REST; their ticks are gone.
resource "aws_cloudwatch_metric_alarm" "stream_gap" {
  count               = var.live_stream ? 1 : 0
  alarm_name          = "${var.project_name}-stream-gap"
  alarm_description   = "A PriceFeed stream shift found minutes nobody streamed before it (the shift before it was killed or ended before it came). Their bars were refilled from REST; their ticks are lost. aws logs filter-log-events --log-group-name ${aws_cloudwatch_log_group.stream[0].name} --filter-pattern '\"no live bars\"'"
  namespace           = "PriceFeed"
  metric_name         = "HandoverGapSeconds"
  dimensions          = { Job = "stream-shift" }
  statistic           = "Maximum"
  period              = 600
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# A shift that never got the socket up (it answers 500), or crashed.
resource "aws_cloudwatch_metric_alarm" "stream_failed" {
  count               = var.live_stream ? 1 : 0
  alarm_name          = "${var.project_name}-stream-failed"
  alarm_description   = "A PriceFeed stream shift failed: it could not open FYERS' data socket for its whole shift, or crashed. aws logs tail ${aws_cloudwatch_log_group.stream[0].name} --since 1h"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.stream[0].function_name }
  statistic           = "Sum"
  period              = 600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}
