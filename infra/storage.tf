# The data lake bucket: private, encrypted, TLS only, versioned (a bad merge can be undone), with
# lifecycle rules for what is not worth keeping forever. Candles are kept.

resource "aws_s3_bucket" "lake" {
  bucket = "${var.project_name}-lake-${local.account}"

  # Off by default: destroy stops at a non-empty bucket and the data stays. scripts/destroy.sh
  # --delete-data sets it (an apply, then the destroy), which also removes every old version.
  force_destroy = var.destroy_lake_data
}

resource "aws_s3_bucket_public_access_block" "lake" {
  bucket                  = aws_s3_bucket.lake.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "lake" {
  bucket = aws_s3_bucket.lake.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id

  # Every merge rewrites a day file; older versions are a safety net for a month, not an archive.
  rule {
    id     = "expire-replaced-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  rule {
    id     = "expire-quotes"
    status = "Enabled"
    filter {
      prefix = "${local.lake_prefix}quotes/"
    }
    expiration {
      days = var.quotes_retention_days
    }
  }

  rule {
    id     = "expire-athena-results"
    status = "Enabled"
    filter {
      prefix = "athena-results/"
    }
    expiration {
      days = 7
    }
  }

  rule {
    id     = "expire-quarantine"
    status = "Enabled"
    filter {
      prefix = "${local.lake_prefix}quarantine/"
    }
    expiration {
      days = 365
    }
  }

  # The live stream's staged tick pieces (issue 22) are deleted once compacted, and its handover
  # object is rewritten every few seconds: their old versions are no safety net worth a month of
  # storage (a day of 1,000 symbols stages about 2.7 GB). S3 applies the sooner expiration.
  rule {
    id     = "expire-stream-versions"
    status = "Enabled"
    filter {
      prefix = "${local.lake_prefix}staging/"
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  rule {
    id     = "expire-stream-state-versions"
    status = "Enabled"
    filter {
      prefix = "${local.lake_prefix}_state/stream/"
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.lake]
}

data "aws_iam_policy_document" "lake_tls_only" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.lake.arn, "${aws_s3_bucket.lake.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "lake" {
  bucket     = aws_s3_bucket.lake.id
  policy     = data.aws_iam_policy_document.lake_tls_only.json
  depends_on = [aws_s3_bucket_public_access_block.lake]
}
