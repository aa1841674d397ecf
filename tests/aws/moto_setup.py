"""Sets up a moto_server for the IAM check (tests/PriceFeed.App.Tests/Infra/AwsPermissionTests.cs).

Reads a JSON spec on stdin: {"endpoint", "region", "buckets": [...], "parameters": [{"name", "value", "type"}],
"identities": {"name": <IAM policy document>}}. Creates the buckets and parameters, one IAM user per
identity with that inline policy and an access key, then turns IAM enforcement on for every later
call (POST /moto-api/reset-auth 0) and starts moto's request recorder. Prints {"name": {"key", "secret"}}.

Everything here runs before enforcement, so it is the only code allowed to act without a policy.
"""
import json
import sys
import urllib.request

import boto3

spec = json.load(sys.stdin)
endpoint = spec["endpoint"]
region = spec["region"]
session = boto3.session.Session(aws_access_key_id="setup", aws_secret_access_key="setup", region_name=region)
s3 = session.client("s3", endpoint_url=endpoint)
ssm = session.client("ssm", endpoint_url=endpoint)
iam = session.client("iam", endpoint_url=endpoint)

for bucket in spec.get("buckets", []):
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
for p in spec.get("parameters", []):
    ssm.put_parameter(Name=p["name"], Value=p["value"], Type=p.get("type", "String"), Overwrite=True)

keys = {}
for name, policy in spec["identities"].items():
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    keys[name] = {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def post(path: str, body: bytes = b"") -> None:
    # text/plain: with a form content type Flask would hide the body from moto.
    request = urllib.request.Request(endpoint + path, data=body, method="POST", headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request).read()


post("/moto-api/reset-auth", b"0")
post("/moto-api/recorder/reset-recording")
post("/moto-api/recorder/start-recording")
json.dump(keys, sys.stdout)
