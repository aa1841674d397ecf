output "token_generator_url" {
  description = "Bookmark this: the daily FYERS login page."
  value       = "${aws_apigatewayv2_stage.prod.invoke_url}/"
}

output "fyers_redirect_uri" {
  description = "Register this as the Redirect URL of your FYERS app (myapi.fyers.in/dashboard)."
  value       = "${aws_apigatewayv2_stage.prod.invoke_url}/callback"
}

output "api_base_url" {
  value = aws_apigatewayv2_stage.prod.invoke_url
}

output "token_generator_function" {
  value = aws_lambda_function.token_generator.function_name
}

output "ingestion_function" {
  value = aws_lambda_function.ingestion.function_name
}

output "token_generator_log_group" {
  value = aws_cloudwatch_log_group.token_generator.name
}

output "ingestion_log_group" {
  value = aws_cloudwatch_log_group.ingestion.name
}

output "lake_bucket" {
  value = aws_s3_bucket.lake.bucket
}


output "alerts_topic_arn" {
  value = aws_sns_topic.alerts.arn
}

output "project_name" {
  description = "The {project} of the SSM parameters, for the CLI (Tokens__Project)."
  value       = var.project_name
}

output "aws_region" {
  value = var.aws_region
}

output "lake_maintenance_policy" {
  description = "IAM policy JSON for whoever runs 'pricefeed verify --repair' against the lake: aws iam put-user-policy --policy-document \"$(terraform output -raw lake_maintenance_policy)\" ..."
  value       = data.aws_iam_policy_document.lake_maintenance.json
}
