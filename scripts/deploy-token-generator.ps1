<#
.SYNOPSIS
  Builds PriceFeed's Lambda package and deploys it to your AWS account with Terraform, then prints
  the token page URL and the redirect URI to register in your FYERS app.

.EXAMPLE
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com -ProjectName my-feed -Region ap-south-1
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com -SkipBuild
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com -Architecture arm64

.NOTES
  The Lambda binary is a Native AOT Linux build, which needs a Linux toolchain: on Windows, run
  this from WSL (Ubuntu/Debian) with PowerShell 7 (pwsh), or use scripts/deploy.sh there.
  Needs the .NET 10 SDK, zip, objdump (binutils), terraform >= 1.11 and AWS credentials.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [ValidatePattern('^[^@\s]+@[^@\s]+\.[^@\s]+$')]
    [string] $NotificationEmail,

    [ValidatePattern('^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$')]
    [string] $ProjectName = 'stock-pipeline',

    [string] $Region = 'ap-south-1',

    # Deploy artifacts/lambda/pricefeed-lambda.zip as it is (built earlier, or by CI).
    [switch] $SkipBuild,

    # Build for x64 or arm64 (Graviton, cheaper); default this machine's. Building arm64 on an x64
    # machine needs the cross toolchain scripts/package-lambda.sh names. Ignored with -SkipBuild:
    # the zip's own architecture (artifacts/lambda/pricefeed-lambda.json) is deployed.
    [ValidateSet('x64', 'arm64')]
    [string] $Architecture
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repo = Split-Path -Parent $PSScriptRoot
Set-Location $repo

$zip = 'artifacts/lambda/pricefeed-lambda.zip'
$manifest = 'artifacts/lambda/pricefeed-lambda.json'
$tools = @('terraform')
if (-not $SkipBuild) {
    if (-not $IsLinux) {
        throw 'The Native AOT Lambda binary can only be built on Linux. Run this script from WSL with pwsh, or build there and use -SkipBuild.'
    }
    $tools += 'dotnet', 'zip', 'objdump', 'bash'
}

foreach ($tool in $tools) {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
        throw "'$tool' is not installed (see docs/deploy-aws.md, Prerequisites)."
    }
}

if ($SkipBuild) {
    if (-not (Test-Path $zip) -or -not (Test-Path $manifest)) { throw "-SkipBuild, but $zip (or $manifest) does not exist: run scripts/package-lambda.sh first." }
}
else {
    if ($Architecture) { $env:PRICEFEED_ARCH = $Architecture }
    Write-Host "== Building the Lambda package (Native AOT, linux-$(if ($Architecture) { $Architecture } else { 'this machine''s architecture' }))"
    bash scripts/package-lambda.sh artifacts/lambda
    if ($LASTEXITCODE -ne 0) { throw "Packaging failed (exit $LASTEXITCODE)." }
}

$lambdaArchitecture = (Get-Content $manifest -Raw | ConvertFrom-Json).lambda_architecture
if ($lambdaArchitecture -notin 'x86_64', 'arm64') {
    throw "$manifest does not say which architecture the zip is for: rebuild it with scripts/package-lambda.sh."
}

Write-Host '== terraform init / apply in infra/'
terraform -chdir=infra init -input=false
if ($LASTEXITCODE -ne 0) { throw "terraform init failed (exit $LASTEXITCODE)." }
terraform -chdir=infra apply -input=false `
    -var "notification_email=$NotificationEmail" `
    -var "project_name=$ProjectName" `
    -var "aws_region=$Region" `
    -var 'lambda_zip=../artifacts/lambda/pricefeed-lambda.zip' `
    -var "lambda_architecture=$lambdaArchitecture"
if ($LASTEXITCODE -ne 0) { throw "terraform apply failed (exit $LASTEXITCODE)." }

$url = terraform -chdir=infra output -raw token_generator_url
$redirect = terraform -chdir=infra output -raw fyers_redirect_uri
Write-Host ''
Write-Host 'Deployed.'
Write-Host "  Token page (bookmark it):          $url"
Write-Host "  Redirect URI for your FYERS app:   $redirect"
Write-Host ''
Write-Host "Next: confirm the subscription email AWS sent to $NotificationEmail, set the Redirect URL of your"
Write-Host 'FYERS app (myapi.fyers.in/dashboard) to the address above, then open the token page and log in.'
