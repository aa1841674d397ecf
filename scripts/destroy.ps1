<#
.SYNOPSIS
  Removes the PriceFeed stack that the deploy scripts made, and what the app itself created under
  /{project} in SSM (tokens, binding, setup code, runs, cookie keys). The lake's data stays unless
  -DeleteData is given. PowerShell twin of scripts/destroy.sh (same steps, same settings file).

.EXAMPLE
  ./scripts/destroy.ps1
  ./scripts/destroy.ps1 -DeleteData
#>
[CmdletBinding()]
param(
    # Also delete the lake bucket with every candle and old version in it.
    [switch] $DeleteData
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Set-Location (Split-Path -Parent $PSScriptRoot)

foreach ($tool in 'terraform', 'aws') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "'$tool' is not installed (see docs/deploy-aws.md, Prerequisites)." }
}
$settings = if ($env:PRICEFEED_SETTINGS) { $env:PRICEFEED_SETTINGS } else { 'infra/pricefeed.auto.tfvars' }
if (-not (Test-Path $settings)) { throw "$settings is missing, so which stack to remove is unknown: run this from the clone you deployed from." }
function Remembered([string] $name, [string] $fallback) {
    $line = Get-Content $settings | Where-Object { $_ -match "^$name\s*=\s*""(.*)""$" } | Select-Object -Last 1
    if ($line -and $line -match '"(.*)"') { $Matches[1] } else { $fallback }
}
$project = Remembered 'project_name' 'stock-pipeline'
$region = Remembered 'aws_region' 'ap-south-1'
$account = aws sts get-caller-identity --query Account --output text 2>$null
if ($LASTEXITCODE -ne 0) { throw "No usable AWS credentials (aws sts get-caller-identity failed): run 'aws configure' or set AWS_PROFILE." }

$what = "the stack '$project' in $region (account $account)"
if ($DeleteData) { $what += ', AND the lake bucket with all its candles' }
if ($env:PRICEFEED_CONFIRM -ne $project) {
    $answer = Read-Host "Remove $what? Type the project name to confirm"
    if ($answer -ne $project) { Write-Host 'Not confirmed; nothing was removed.'; exit 1 }
}

terraform -chdir=infra init -input=false | Out-Null
if ($DeleteData) {
    terraform -chdir=infra apply -input=false -auto-approve -target=aws_s3_bucket.lake -var destroy_lake_data=true
    if ($LASTEXITCODE -ne 0) { throw "terraform apply failed (exit $LASTEXITCODE)." }
    terraform -chdir=infra destroy -input=false -auto-approve -var destroy_lake_data=true
}
else {
    $bucket = terraform -chdir=infra output -raw lake_bucket 2>$null
    foreach ($resource in (terraform -chdir=infra state list 2>$null | Where-Object { $_ -match '^aws_s3_bucket[a-z_]*\.lake$' })) {
        terraform -chdir=infra state rm $resource | Out-Null
    }
    terraform -chdir=infra destroy -input=false -auto-approve
}
if ($LASTEXITCODE -ne 0) { throw "terraform destroy failed (exit $LASTEXITCODE)." }

$names = @(aws ssm get-parameters-by-path --region $region --path "/$project" --recursive --query 'Parameters[].Name' --output text 2>$null) -split '\s+' | Where-Object { $_ -and $_ -ne 'None' }
for ($i = 0; $i -lt $names.Count; $i += 10) {
    aws ssm delete-parameters --region $region --names $names[$i..([Math]::Min($i + 9, $names.Count - 1))] | Out-Null
}

Write-Host "Removed $what."
if (-not $DeleteData -and $bucket) {
    Write-Host "The lake bucket $bucket was kept with your data. To delete it later, empty it in the S3 console"
    Write-Host "(Empty bucket removes every old version too), then: aws s3 rb s3://$bucket"
    Write-Host "To deploy again over the kept bucket and its data: ./scripts/deploy-token-generator.ps1 -Adopt (it takes the bucket back into this clone's state)."
}
