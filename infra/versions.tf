terraform {
  # 1.11+: write-only arguments exist; nothing here needs more.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.x knows the dotnet10 Lambda runtime.
      version = "~> 6.0"
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
