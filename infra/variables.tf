variable "notification_email" {
  description = "Where alarms and budget alerts go. AWS mails a confirmation link first; alerts arrive only after you click it."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.notification_email))
    error_message = "notification_email must be an email address such as you@example.com."
  }
}

variable "project_name" {
  description = "Prefix of every resource name and of the SSM paths /{project}/fyers/*."
  type        = string
  default     = "stock-pipeline"

  validation {
    # Lowercase because it is part of the S3 bucket name.
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$", var.project_name))
    error_message = "project_name: 3-40 lowercase letters, digits and '-', not starting or ending with '-'."
  }
}

variable "aws_region" {
  description = "AWS region. ap-south-1 (Mumbai) is closest to FYERS."
  type        = string
  default     = "ap-south-1"
}

variable "lambda_zip" {
  description = "The deployment zip built by scripts/package-lambda.sh."
  type        = string
  default     = "../artifacts/lambda/pricefeed-lambda.zip"
}

variable "watchlist" {
  description = "FYERS symbols to ingest, e.g. [\"NSE:SBIN-EQ\", \"NSE:NIFTY50-INDEX\"]; the first value of the SSM parameter /{project}/config/watchlist, which you change later without a deploy. Empty keeps the app's built-in list (liquid NSE stocks plus NIFTY 50 and NIFTY BANK)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.watchlist : can(regex("^[A-Z]+:[A-Za-z0-9&_.-]+$", s))])
    error_message = "Each watchlist entry must look like EXCHANGE:SYMBOL-SERIES, e.g. NSE:SBIN-EQ."
  }
}

variable "resolutions" {
  description = "Candle resolutions the intraday and end-of-day jobs store (FYERS codes)."
  type        = list(string)
  default     = ["1"]
}

# Schedules are EventBridge Scheduler expressions in Asia/Kolkata. The app checks the NSE calendar
# itself (holidays, special sessions) and does nothing outside a session, so the expressions only
# need to cover the normal weekday hours.
variable "intraday_schedule" {
  description = "When the intraday job runs (completed 1-minute bars since the last stored one)."
  type        = string
  default     = "cron(0/5 9-15 ? * MON-FRI *)"
}

variable "eod_schedule" {
  description = "When the end-of-day job runs; the app waits until 16:00 IST, when the day's bars are final."
  type        = string
  default     = "cron(5 16 ? * MON-FRI *)"
}

variable "token_check_schedule" {
  description = "The pre-open token check: a dead token raises the token alarm, whose email says which page to open."
  type        = string
  default     = "cron(45 8 ? * MON-FRI *)"
}

variable "quotes_schedule" {
  description = "When the quotes snapshot job runs; null (the default) creates no schedule."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Optional customer-managed KMS key for the SSM parameters and the bucket. Null uses aws/ssm and SSE-S3."
  type        = string
  default     = null
}

variable "monthly_budget_usd" {
  description = "AWS Budgets alerts at 50% and 80% of this monthly cost (USD). The pipeline itself fits in the free tier."
  type        = number
  default     = 5
}

variable "detailed_metrics" {
  description = "Declare every EMF number (requests, 429s, duration, ...) as a CloudWatch metric, about 40 custom metrics (roughly USD 10 a month). Off: the four the alarms use; all numbers stay queryable in the logs."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the functions' and API's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "data_lag_alarm_seconds" {
  description = "The data-lag alarm fires when the newest stored bar is older than this during a session."
  type        = number
  default     = 1800
}

variable "lambda_architecture" {
  description = "What the zip was built for: x86_64 or arm64 (Graviton, about 20% cheaper per GB-second). scripts/deploy.sh passes the one it built (artifacts/lambda/pricefeed-lambda.json)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be x86_64 or arm64, the same as the zip (PRICEFEED_ARCH=arm64 scripts/package-lambda.sh builds arm64)."
  }
}

variable "lwa_layer_version" {
  description = "AWS Lambda Web Adapter layer version, pinned (26 = v1.0.0). Read its CHANGELOG before changing it."
  type        = number
  default     = 26
}

variable "quotes_retention_days" {
  description = "Quote snapshots older than this are deleted from the lake; candles are kept."
  type        = number
  default     = 90
}

variable "enable_glue_table" {
  description = "Create a Glue database and a partition-projected table over the candles, so Athena can query the lake."
  type        = bool
  default     = false
}

variable "owner_client_id" {
  description = "Optional: the FYERS app (Client ID, e.g. ABCD1234-100) this PriceFeed may be set up for. Not a secret; the App Secret never goes through Terraform."
  type        = string
  default     = null
}

variable "owner_fyers_id" {
  description = "Optional: the FYERS user ID (e.g. XS00001) whose login may bind and feed this PriceFeed."
  type        = string
  default     = null
}

variable "public_origin" {
  description = "Optional: https://your.domain when a custom domain fronts the API; default the API Gateway endpoint."
  type        = string
  default     = null
}

variable "destroy_lake_data" {
  description = "true lets `terraform destroy` delete the lake bucket with every candle and old version in it. Keep false unless you mean it (scripts/destroy.sh --delete-data)."
  type        = bool
  default     = false
}

variable "live_stream" {
  description = "Stream the watchlist live from FYERS' data socket in Lambda shifts (docs/deploy-aws.md, \"Live data\"): ticks and live 1-minute bars in the lake. Off by default; see the cost table before turning it on."
  type        = bool
  default     = false
}

variable "stream_schedule" {
  description = "When a stream shift starts (India time): 09:14 (a minute before the open), every 10 minutes to 15:24, and three that find the session over. Each holds the socket until the next one is live, at most its timeout; the app skips holidays and the hours outside the session."
  type        = string
  default     = "cron(4/10 9-15 ? * MON-FRI *)"
}

variable "stream_memory_mb" {
  description = "Memory of the stream function (CPU comes with it). 512 MB streams 1,000 symbols; GB-seconds per month are counted in docs/deploy-aws.md."
  type        = number
  default     = 512
}

variable "stream_silence_alarm_minutes" {
  description = "The live-stream alarm fires after this many minutes without a tick while a shift streams in a session (quiet on holidays, Saturdays and before a login)."
  type        = number
  default     = 5
}

variable "stream_tmp_mb" {
  description = "Ephemeral storage (/tmp) of the stream function, and of the ingestion function when live_stream is on: the shifts after the close (and the end-of-day job as the fallback) compact the day's staged ticks through it (about 120 bytes a tick while staged: 4096 MB holds a day of about 1,000 busy symbols)."
  type        = number
  default     = 4096

  validation {
    condition     = var.stream_tmp_mb >= 512 && var.stream_tmp_mb <= 10240
    error_message = "stream_tmp_mb must be between 512 and 10240 (Lambda's ephemeral storage limits)."
  }
}
