terraform {
  # 1.11+: write-only arguments exist; nothing here needs more.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The dotnet10 Lambda runtime is accepted from 6.27.0 on.
      version = ">= 6.27.0, < 7.0.0"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project   = var.project_name
      ManagedBy = "terraform"
      App       = "pricefeed"
    }
  }
}
