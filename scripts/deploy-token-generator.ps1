<#
.SYNOPSIS
  Builds PriceFeed's Lambda package and deploys it to your AWS account with Terraform, then prints
  the token page URL and the redirect URI to register in your FYERS app.

.EXAMPLE
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com -ProjectName my-feed -Region ap-south-1
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com -SkipBuild
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com -Architecture arm64
  ./scripts/deploy-token-generator.ps1 -NotificationEmail you@example.com -Adopt

.NOTES
  The Lambda binary is a Native AOT Linux build, which needs a Linux toolchain: on Windows, run
  this from WSL (Ubuntu/Debian) with PowerShell 7 (pwsh), or use scripts/deploy.sh there.
  Needs the .NET 10 SDK, zip, objdump (binutils), terraform >= 1.11, the AWS CLI v2 and AWS
  credentials (checked before the build). Remembers its choices in infra/pricefeed.auto.tfvars for
  updates and scripts/destroy.sh. Get-Help ./scripts/deploy-token-generator.ps1 shows this text.
#>
[CmdletBinding()]
param(
    # Needed the first time; later runs reuse it from infra/pricefeed.auto.tfvars.
    [ValidatePattern('^[^@\s]+@[^@\s]+\.[^@\s]+$')]
    [string] $NotificationEmail,

    # Default: the remembered one (infra/pricefeed.auto.tfvars), else stock-pipeline.
    [ValidatePattern('^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$')]
    [string] $ProjectName,

    # Default: the remembered one, else ap-south-1.
    [string] $Region,

    # Deploy artifacts/lambda/pricefeed-lambda.zip as it is (built earlier, or by CI).
    [switch] $SkipBuild,

    # Build for x64 or arm64 (Graviton, cheaper); default this machine's. Building arm64 on an x64
    # machine needs the cross toolchain scripts/package-lambda.sh names. Ignored with -SkipBuild:
    # the zip's own architecture (artifacts/lambda/pricefeed-lambda.json) is deployed.
    [ValidateSet('x64', 'arm64')]
    [string] $Architecture,

    # Take over a stack of the same names that this clone did not create (the seed design's, another
    # clone's): what exists is imported into this clone's state, then made this design (infra/adopt.tsv).
    [switch] $Adopt
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repo = Split-Path -Parent $PSScriptRoot
Set-Location $repo

# The same remembered choices as scripts/deploy.sh: what was given wins and is remembered; what was
# left out comes from the last deploy, so an update never renames the stack by accident.
$settings = if ($env:PRICEFEED_SETTINGS) { $env:PRICEFEED_SETTINGS } else { 'infra/pricefeed.auto.tfvars' }
function Get-Remembered([string] $Name) {
    if (-not (Test-Path $settings)) { return $null }
    $found = Select-String -Path $settings -Pattern ('^' + $Name + ' *= *"(.*)"$') | Select-Object -Last 1
    if ($found) { return $found.Matches[0].Groups[1].Value } else { return $null }
}
# (The parameters validate every assignment, so an empty remembered value must not be assigned.)
$email = if ($NotificationEmail) { $NotificationEmail } elseif ($env:NOTIFICATION_EMAIL) { $env:NOTIFICATION_EMAIL } else { Get-Remembered 'notification_email' }
if (-not $email) { throw 'Which address should receive the alarms? -NotificationEmail you@example.com (needed the first time; remembered after).' }
if ($email -notmatch '^[^@\s]+@[^@\s]+\.[^@\s]+$') { throw "NotificationEmail '$email' is not an email address; alarms would go nowhere." }
$NotificationEmail = $email
$rememberedProject = Get-Remembered 'project_name'
$ProjectName = if ($ProjectName) { $ProjectName } elseif ($rememberedProject) { $rememberedProject } else { 'stock-pipeline' }
$rememberedRegion = Get-Remembered 'aws_region'
$Region = if ($Region) { $Region } elseif ($rememberedRegion) { $rememberedRegion } else { 'ap-south-1' }

$zip = 'artifacts/lambda/pricefeed-lambda.zip'
$manifest = 'artifacts/lambda/pricefeed-lambda.json'
$tools = @('terraform', 'aws')
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

# Credentials first: a missing profile should not cost the 1.5-minute AOT build.
$account = aws sts get-caller-identity --query Account --output text 2>$null
if ($LASTEXITCODE -ne 0) { throw "No usable AWS credentials (aws sts get-caller-identity failed): run 'aws configure' or set AWS_PROFILE, then try again." }
Write-Host "== AWS account $account, region $Region, project $ProjectName"

# -Adopt: each resource infra/adopt.tsv lists that this clone's state lacks and AWS has under its
# name becomes an import block for this one apply; the file is removed afterwards, whatever the outcome.
function Test-Exists([string] $Check, [string] $Name) {
    $first, $rest = $Name.Split('/', 2)
    switch ($Check) {
        'log-group' {
            $count = aws logs describe-log-groups --region $Region --log-group-name-prefix $Name --query "length(logGroups[?logGroupName=='$Name'])" --output text 2>$null
            return ($LASTEXITCODE -eq 0 -and "$count".Trim() -eq '1')
        }
        'lambda-permission' {
            $policy = aws lambda get-policy --region $Region --function-name $first --query Policy --output text 2>$null
            return ($LASTEXITCODE -eq 0 -and "$policy" -match ('"Sid" *: *"' + [regex]::Escape($rest) + '"'))
        }
        'iam-role' { aws iam get-role --role-name $Name *> $null }
        'lambda' { aws lambda get-function --region $Region --function-name $Name *> $null }
        'ssm-parameter' { aws ssm get-parameter --region $Region --name $Name *> $null }
        's3-bucket' { aws s3api head-bucket --bucket $Name *> $null }
        'sns-topic' { aws sns get-topic-attributes --region $Region --topic-arn $Name *> $null }
        'schedule-group' { aws scheduler get-schedule-group --region $Region --name $Name *> $null }
        'schedule' { aws scheduler get-schedule --region $Region --group-name $first --name $rest *> $null }
        'budget' { aws budgets describe-budget --account-id $account --budget-name $Name *> $null }
        default { throw "infra/adopt.tsv names an unknown check '$Check'." }
    }
    return $LASTEXITCODE -eq 0
}

# A stack of the same name that this clone's state does not know (another clone's, the seed design's,
# or this one's after a teardown that kept the lake bucket) would end in "already exists" errors
# halfway through the apply: every fixed name infra/adopt.tsv lists is asked for before the build.
$fill = { param($t) $t.Replace('{project}', $ProjectName).Replace('{account}', "$account".Trim()).Replace('{region}', $Region) }
$hasState = (Test-Path infra/terraform.tfstate) -and (Get-Item infra/terraform.tfstate).Length -gt 0
if (-not $Adopt -and -not $hasState) {
    $taken = @(foreach ($line in Get-Content infra/adopt.tsv) {
            if (-not $line -or $line.StartsWith('#')) { continue }
            $address, $check, $name, $id = $line.Split("`t")
            $name = & $fill $name
            if (Test-Exists $check $name) { $name }
        })
    if ($taken.Count -gt 0) {
        throw ("A stack named '$ProjectName' already exists in $Region ($($taken.Count) of its names are taken, e.g. $($taken[0])) but this clone has no Terraform state for it. " +
            "Take it over (bucket and parameters kept) with -Adopt, deploy beside it with -ProjectName my-feed, " +
            'or run this from the clone that made it (docs/deploy-aws.md, "A stack of the same name").')
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

$manifestJson = Get-Content $manifest -Raw | ConvertFrom-Json
$lambdaArchitecture = if ($manifestJson.PSObject.Properties['lambda_architecture']) { $manifestJson.lambda_architecture } else { $null }
if ($lambdaArchitecture -notin 'x86_64', 'arm64') {
    throw "$manifest does not say which architecture the zip is for: rebuild it with scripts/package-lambda.sh."
}

@(
    '# Written by scripts/deploy-token-generator.ps1: the choices updates and scripts/destroy.sh must repeat.'
    "notification_email  = ""$NotificationEmail"""
    "project_name        = ""$ProjectName"""
    "aws_region          = ""$Region"""
    'lambda_zip          = "../artifacts/lambda/pricefeed-lambda.zip"'
    "lambda_architecture = ""$lambdaArchitecture"""
) | Set-Content -Path $settings

Write-Host '== terraform init / apply in infra/'
# -upgrade: an older .terraform.lock.hcl may pin the AWS provider below what versions.tf needs.
terraform -chdir=infra init -input=false -upgrade
if ($LASTEXITCODE -ne 0) { throw "terraform init failed (exit $LASTEXITCODE)." }

$adoptFile = if ($env:PRICEFEED_ADOPT_FILE) { $env:PRICEFEED_ADOPT_FILE } else { 'infra/adopt.tf' }
try {
    if ($Adopt) {
        $known = @(terraform -chdir=infra state list 2>$null)
        $blocks = [System.Collections.Generic.List[string]]::new()
        $blocks.Add('# Written by scripts/deploy-token-generator.ps1 -Adopt for one apply, then removed (infra/adopt.tsv says why).')
        foreach ($line in Get-Content infra/adopt.tsv) {
            if (-not $line -or $line.StartsWith('#')) { continue }
            $address, $check, $name, $id = $line.Split("`t")
            if ($known -contains $address) { continue }
            $name = & $fill $name
            if (Test-Exists $check $name) {
                $blocks.Add("import {`n  to = $address`n  id = ""$(& $fill $id)""`n}`n")
                Write-Host "  adopting $address ($name)"
            }
        }
        $blocks | Set-Content -Path $adoptFile
        Write-Host "== $($blocks.Count - 1) existing resources to adopt: the plan below lists them as imports. An old HTTP API of the same name is not adopted (docs/deploy-aws.md)."
    }

    terraform -chdir=infra apply -input=false `
        -var "notification_email=$NotificationEmail" `
        -var "project_name=$ProjectName" `
        -var "aws_region=$Region" `
        -var 'lambda_zip=../artifacts/lambda/pricefeed-lambda.zip' `
        -var "lambda_architecture=$lambdaArchitecture"
    if ($LASTEXITCODE -ne 0) { throw "terraform apply failed (exit $LASTEXITCODE)." }
}
finally {
    if ($Adopt) { Remove-Item -Path $adoptFile -ErrorAction SilentlyContinue }
}

# Stacks from before the token parameters left Terraform had their decrypted values in the state; the
# apply that forgets them leaves the old state as terraform.tfstate.backup (and state commands leave
# *.backup copies). Those copies are deleted, and the owner told to rotate what they held.
$secretPattern = '"/' + [regex]::Escape($ProjectName) + '/fyers/(app_secret|access_token|refresh_token)"'
$stateHolds = (Test-Path infra/terraform.tfstate) -and (Select-String -Path infra/terraform.tfstate -Pattern $secretPattern -Quiet)
$leaked = @(Get-ChildItem -Path infra -Filter 'terraform.tfstate*.backup' -ErrorAction SilentlyContinue |
        Where-Object { -not $stateHolds -and (Select-String -Path $_.FullName -Pattern $secretPattern -Quiet) })
foreach ($copy in $leaked) { Remove-Item -Path $copy.FullName -Force }
if ($leaked.Count -gt 0) {
    Write-Warning "Deleted $($leaked.Name -join ', '): an old state copy held the FYERS App Secret and tokens in plain text. Rotate the App Secret in the FYERS API dashboard, save the new one on the token page, and log in again."
}

$url = terraform -chdir=infra output -raw token_generator_url
$redirect = terraform -chdir=infra output -raw fyers_redirect_uri

# Until the first login binds a FYERS account, the page accepts credentials only with a one-time
# setup code. SSM gets its SHA-256 only; the code itself is shown on this terminal and nowhere else.
$bound = aws ssm get-parameter --region $Region --name "/$ProjectName/fyers/bound_account" --with-decryption --query Parameter.Value --output text 2>$null
if ($LASTEXITCODE -eq 0 -and $bound -and $bound -ne 'placeholder') {
    $setupLine = '  Already set up: a FYERS account is bound (no setup code needed).'
}
else {
    $alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
    $raw = -join (1..16 | ForEach-Object { $alphabet[[System.Security.Cryptography.RandomNumberGenerator]::GetInt32($alphabet.Length)] })
    $hash = [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($raw))).ToLowerInvariant()
    aws ssm put-parameter --region $Region --name "/$ProjectName/fyers/setup_code" --type SecureString --value $hash --overwrite | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "Writing the setup code to SSM failed (exit $LASTEXITCODE)." }
    $setupLine = "  Setup code for the first save on the page: $($raw.Substring(0, 4))-$($raw.Substring(4, 4))-$($raw.Substring(8, 4))-$($raw.Substring(12, 4))"
}

Write-Host ''
Write-Host 'Deployed.'
Write-Host "  Token page (bookmark it):          $url"
Write-Host "  Redirect URI for your FYERS app:   $redirect"
Write-Host $setupLine
Write-Host ''
Write-Host "Next: confirm the subscription email AWS sent to $NotificationEmail, set the Redirect URL of your"
Write-Host 'FYERS app (myapi.fyers.in/dashboard) to the address above, then open the token page, enter the'
Write-Host 'setup code and the app''s Client ID and Secret, and log in.'
