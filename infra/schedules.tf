# EventBridge Scheduler, in India time. The app still checks the NSE calendar on every run (holidays,
# Muhurat, the closing auction), so these only cover normal weekday hours. Retries are few and
# short-lived: a missed 5-minute tick must not replay late; the next tick catches up anyway.

locals {
  schedules = merge(
    {
      intraday    = var.intraday_schedule
      eod         = var.eod_schedule
      token-check = var.token_check_schedule
    },
    var.quotes_schedule == null ? {} : { quotes = var.quotes_schedule },
  )
}

resource "aws_scheduler_schedule_group" "jobs" {
  name = var.project_name
}

resource "aws_scheduler_schedule" "job" {
  for_each                     = local.schedules
  name                         = "${var.project_name}-${each.key}"
  group_name                   = aws_scheduler_schedule_group.jobs.name
  description                  = "PriceFeed ${each.key} job"
  schedule_expression          = each.value
  schedule_expression_timezone = "Asia/Kolkata"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.ingestion.arn
    role_arn = aws_iam_role.scheduler.arn
    # Not shaped like an API Gateway event, so the adapter passes it through to POST /events.
    input = jsonencode({ job = each.key })

    retry_policy {
      maximum_retry_attempts       = 1
      maximum_event_age_in_seconds = 240
    }
  }
}
