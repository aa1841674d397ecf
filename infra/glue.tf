# Optional: a Glue table over the candles so Athena can query the lake with SQL. Partition
# projection computes the partitions from the key layout, so no crawler runs and nothing needs
# `MSCK REPAIR`. The partition columns are named p_* because the files carry `resolution` too.

resource "aws_glue_catalog_database" "lake" {
  count       = var.enable_glue_table ? 1 : 0
  name        = replace("${var.project_name}_lake", "-", "_")
  description = "PriceFeed data lake (docs/data-lake.md)"
}

resource "aws_glue_catalog_table" "candles" {
  count         = var.enable_glue_table ? 1 : 0
  name          = "candles"
  database_name = aws_glue_catalog_database.lake[0].name
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    classification                    = "parquet"
    "projection.enabled"              = "true"
    "projection.p_resolution.type"    = "enum"
    "projection.p_resolution.values"  = "1,2,3,5,10,15,20,30,45,60,120,180,240,D"
    "projection.p_date.type"          = "date"
    "projection.p_date.format"        = "yyyy-MM-dd"
    "projection.p_date.range"         = "2015-01-01,NOW"
    "projection.p_date.interval"      = "1"
    "projection.p_date.interval.unit" = "DAYS"
    "storage.location.template"       = "s3://${aws_s3_bucket.lake.bucket}/${local.lake_prefix}candles/resolution=$${p_resolution}/date=$${p_date}/"
  }

  partition_keys {
    name = "p_resolution"
    type = "string"
  }

  partition_keys {
    name = "p_date"
    type = "string"
  }

  storage_descriptor {
    location      = "s3://${aws_s3_bucket.lake.bucket}/${local.lake_prefix}candles/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }

    dynamic "columns" {
      for_each = [
        ["symbol", "string"], ["resolution", "string"], ["ts_utc", "timestamp"], ["date_ist", "date"],
        ["minute_ist", "smallint"], ["open", "double"], ["high", "double"], ["low", "double"],
        ["close", "double"], ["volume", "bigint"], ["source", "string"],
      ]
      content {
        name = columns.value[0]
        type = columns.value[1]
      }
    }
  }
}

# A workgroup with a results location, so a first query from the console or the CLI runs as it is
# (Athena refuses a query with no output location). Results land beside the lake, under their own
# prefix, and expire after a week.
resource "aws_athena_workgroup" "lake" {
  count         = var.enable_glue_table ? 1 : 0
  name          = "${var.project_name}-lake"
  force_destroy = true

  configuration {
    enforce_workgroup_configuration = true
    result_configuration {
      output_location = "s3://${aws_s3_bucket.lake.bucket}/athena-results/"
      encryption_configuration {
        encryption_option = var.kms_key_arn == null ? "SSE_S3" : "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }
}
