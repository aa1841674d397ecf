# Alerts by email. Every alarm is quiet outside trading sessions by construction: the metrics come
# only from scheduled runs (weekday market hours), runs skipped for a holiday or a closed market
# leave TokenValid and DataLagSeconds out, and missing data counts as fine (notBreaching; the token
# alarm keeps its state instead). Runs that only wait for a login end "login-needed": HTTP 200,
# RunFailed 0, so only the token alarm speaks for a late login.

resource "aws_sns_topic" "alerts" {
  name = "${var.project_name}-alerts"
}

# Stays "PendingConfirmation" until the link in AWS's email is clicked; Terraform cannot confirm it.
resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.notification_email
}

locals {
  page_url = "${aws_apigatewayv2_stage.prod.invoke_url}/"
}

# Any failed job: a symbol that failed after retries, a dead token, a timeout or a crash. The app
# answers 5xx and AWS_LWA_ERROR_STATUS_CODES turns that into a Lambda error.
resource "aws_cloudwatch_metric_alarm" "ingestion_failed" {
  alarm_name          = "${var.project_name}-ingestion-failed"
  alarm_description   = "A PriceFeed ingestion run failed. If the token alarm fired too, log in at ${local.page_url} and the next run catches up. Otherwise: aws logs filter-log-events --log-group-name ${aws_cloudwatch_log_group.ingestion.name} --filter-pattern '\"failed\"'"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.ingestion.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# The token is missing, expired or rejected on a trading day: at the pre-open check or any run.
resource "aws_cloudwatch_metric_alarm" "token_invalid" {
  alarm_name          = "${var.project_name}-token-invalid"
  alarm_description   = "The FYERS token is not valid and the market is open today. Open ${local.page_url} and log in with FYERS; the feed catches up on its own."
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  # A missing login is one state that lasts until someone logs in: with "ignore" the alarm stays in
  # ALARM through the hours without runs (and the runs that leave TokenValid out), mails once going
  # in and once when a run or the check sees a valid token. "notBreaching" flipped it to OK between
  # runs and mailed again at the next one (issue 18; replayed in AlarmReplayTests).
  treat_missing_data = "ignore"
  alarm_actions      = [aws_sns_topic.alerts.arn]
  ok_actions         = [aws_sns_topic.alerts.arn]

  metric_query {
    id          = "token_valid"
    expression  = "MIN([check, intraday])"
    label       = "TokenValid"
    return_data = true
  }

  metric_query {
    id = "check"
    metric {
      namespace   = "PriceFeed"
      metric_name = "TokenValid"
      dimensions  = { Job = "token-check" }
      stat        = "Minimum"
      period      = 300
    }
  }

  metric_query {
    id = "intraday"
    metric {
      namespace   = "PriceFeed"
      metric_name = "TokenValid"
      dimensions  = { Job = "intraday" }
      stat        = "Minimum"
      period      = 300
    }
  }
}

# The newest stored bar is too old while the market is open (FYERS serving stale data, or runs
# that stopped storing).
resource "aws_cloudwatch_metric_alarm" "data_lag" {
  alarm_name        = "${var.project_name}-data-lag"
  alarm_description = "PriceFeed's newest stored bar is more than ${var.data_lag_alarm_seconds} s old during a session. Check ${aws_cloudwatch_log_group.ingestion.name}."
  namespace         = "PriceFeed"
  metric_name       = "DataLagSeconds"
  dimensions        = { Job = "intraday" }
  statistic         = "Maximum"
  period            = 300
  # Two ticks in a row: one slow answer from FYERS is not worth an email.
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.data_lag_alarm_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.project_name}-token-page-5xx"
  alarm_description   = "The token page answered 5xx. aws logs filter-log-events --log-group-name ${aws_cloudwatch_log_group.token_generator.name}"
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = aws_apigatewayv2_api.token_generator.id, Stage = aws_apigatewayv2_stage.prod.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_budgets_budget" "monthly" {
  name         = "${var.project_name}-monthly"
  budget_type  = "COST"
  limit_amount = tostring(var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  # Spent so far at 50 % and 80 %, and AWS's forecast for the month at 100 %: the forecast mails
  # while there is still time to act.
  dynamic "notification" {
    for_each = { actual-50 = ["ACTUAL", 50], actual-80 = ["ACTUAL", 80], forecast-100 = ["FORECASTED", 100] }
    content {
      comparison_operator        = "GREATER_THAN"
      threshold                  = notification.value[1]
      threshold_type             = "PERCENTAGE"
      notification_type          = notification.value[0]
      subscriber_email_addresses = [var.notification_email]
    }
  }
}

# The NSE holiday list runs out at the end of the year: from 1 December each token-check run reports
# HolidayListMissing=1 until next year's holidays are in /{project}/config/holidays. One email a
# weekday until then; the description holds the fix.
resource "aws_cloudwatch_metric_alarm" "holiday_list_missing" {
  alarm_name          = "${var.project_name}-holiday-list-missing"
  alarm_description   = "PriceFeed has no NSE holidays for next year (or this year). Add them once NSE publishes the list: aws ssm put-parameter --name ${aws_ssm_parameter.holidays.name} --value \"YYYY-01-26=Republic Day,...\" --overwrite. The page ${local.page_url} shows the same warning."
  namespace           = "PriceFeed"
  metric_name         = "HolidayListMissing"
  dimensions          = { Job = "token-check" }
  statistic           = "Maximum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# Failures that leave no metric of their own, so no other alarm could see them (missing data is
# "not breaching" everywhere else): Scheduler could not invoke the function, dropped an invocation
# after its retries, or Lambda throttled either function.
resource "aws_cloudwatch_metric_alarm" "scheduler" {
  for_each = {
    TargetErrorCount       = "EventBridge Scheduler could not invoke the PriceFeed ingestion function (permissions, a deleted function, throttling). Runs are being missed; the next successful run catches up."
    InvocationDroppedCount = "EventBridge Scheduler dropped a PriceFeed run after its retries: that run never happened. The next successful run catches up."
  }
  alarm_name          = "${var.project_name}-scheduler-${each.key == "TargetErrorCount" ? "target-errors" : "dropped"}"
  alarm_description   = "${each.value} Schedule group: ${aws_scheduler_schedule_group.jobs.name}."
  namespace           = "AWS/Scheduler"
  metric_name         = each.key
  dimensions          = { ScheduleGroup = aws_scheduler_schedule_group.jobs.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  for_each            = { ingestion = aws_lambda_function.ingestion.function_name, token_generator = aws_lambda_function.token_generator.function_name }
  alarm_name          = "${var.project_name}-${replace(each.key, "_", "-")}-throttled"
  alarm_description   = "Lambda throttled ${each.value}: requests or runs were refused (account concurrency). Check the account's concurrent executions."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# The heartbeat: no successful intraday run for 30 minutes while NSE is open. Every other alarm
# treats missing data as "not breaching", so a schedule that was disabled or deleted, or a function
# that never starts, would stay silent. Here missing runs count as failures, but only in session
# hours: Monday to Friday, 09:15-15:30 IST = 03:45-10:00 UTC (CloudWatch's HOUR/MINUTE/DAY are UTC,
# DAY is 1 = Monday ... 7 = Sunday). TIME_SERIES(0) gives the expression a value in every 5-minute
# period even when the function sent nothing at all, so "no data" cannot mean "fine". A holiday is
# not a false alarm: the job still runs and reports "skipped", which is a success.
resource "aws_cloudwatch_metric_alarm" "heartbeat" {
  alarm_name          = "${var.project_name}-intraday-heartbeat"
  alarm_description   = "No PriceFeed intraday run has succeeded for 30 minutes while NSE is open. If the token alarm fired too, log in at ${local.page_url}. Otherwise check the schedule group ${aws_scheduler_schedule_group.jobs.name} and aws logs tail ${aws_cloudwatch_log_group.ingestion.name} --since 1h; the next successful run catches up."
  evaluation_periods  = 6
  datapoints_to_alarm = 6
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # The expression has a value in every period (see above); an outage of CloudWatch itself should
  # not mail every evening.
  treat_missing_data = "notBreaching"
  alarm_actions      = [aws_sns_topic.alerts.arn]
  ok_actions         = [aws_sns_topic.alerts.arn]

  metric_query {
    id          = "silent"
    expression  = "IF(DAY(ok) <= 5 AND HOUR(ok) * 60 + MINUTE(ok) >= 225 AND HOUR(ok) * 60 + MINUTE(ok) < 600 AND ok == 0, 1, 0)"
    label       = "SessionPeriodsWithoutSuccess"
    return_data = true
  }

  # One run per 5-minute period: the Average of RunFailed is 0 when it succeeded and 1 when it failed,
  # so 1 - Average is the share that succeeded, and nothing at all becomes 0. One metric, not two:
  # CloudWatch bills an alarm per metric it reads.
  metric_query {
    id         = "ok"
    expression = "MAX([TIME_SERIES(0), FILL(1 - failed, 0)])"
    label      = "SuccessfulIntradayRuns"
  }

  metric_query {
    id = "failed"
    metric {
      namespace   = "PriceFeed"
      metric_name = "RunFailed"
      dimensions  = { Job = "intraday" }
      stat        = "Average"
      period      = 300
    }
  }
}
