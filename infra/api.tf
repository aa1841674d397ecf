# HTTP API with a `prod` stage: https://{api-id}.execute-api.{region}.amazonaws.com/prod
# The $default route sends every path (the page, /api/*) to the token generator; the login routes
# have their own routes only to get their own throttle buckets, so a flood of anonymous page or
# status requests cannot starve the owner's morning login.

resource "aws_apigatewayv2_api" "token_generator" {
  name          = "${var.project_name}-http-api"
  protocol_type = "HTTP"
  description   = "PriceFeed token generator"
}

resource "aws_apigatewayv2_integration" "token_generator" {
  api_id                 = aws_apigatewayv2_api.token_generator.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.token_generator.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 29000
}

resource "aws_apigatewayv2_route" "default" {
  api_id    = aws_apigatewayv2_api.token_generator.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.token_generator.id}"
}

locals {
  login_routes = ["GET /callback", "POST /api/login", "PUT /api/credentials", "POST /api/tokens"]
}

resource "aws_apigatewayv2_route" "login" {
  for_each  = toset(local.login_routes)
  api_id    = aws_apigatewayv2_api.token_generator.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.token_generator.id}"
}

resource "aws_apigatewayv2_stage" "prod" {
  depends_on  = [aws_apigatewayv2_route.login]
  api_id      = aws_apigatewayv2_api.token_generator.id
  name        = "prod"
  auto_deploy = true

  # A page one person opens once a day: a low ceiling keeps a flood from costing money. The app
  # limits the login endpoints per client on top of this.
  default_route_settings {
    throttling_burst_limit = 20
    throttling_rate_limit  = 10
  }

  # One person logs in a few times a day; each login route has its own small bucket.
  dynamic "route_settings" {
    for_each = toset(local.login_routes)
    content {
      route_key              = route_settings.value
      throttling_burst_limit = 5
      throttling_rate_limit  = 2
    }
  }

  # $context.path carries no query string, so /callback?auth_code=... never reaches the logs.
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId = "$context.requestId"
      ip        = "$context.identity.sourceIp"
      time      = "$context.requestTime"
      method    = "$context.httpMethod"
      path      = "$context.path"
      status    = "$context.status"
      bytes     = "$context.responseLength"
      latencyMs = "$context.integrationLatency"
      error     = "$context.integrationErrorMessage"
    })
  }
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowHttpApiProdStage"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.token_generator.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.token_generator.execution_arn}/prod/*"
}
