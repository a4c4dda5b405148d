#!/usr/bin/env python3
"""Sets up and fills an S3 library the way the original pipeline did, with boto3 (the AWS SDK).

  s3-library.py setup --bucket music --queue music-ingest [--dead-letter-queue music-dlq] [--prefix lib/]
      Creates the bucket and the SQS queue, and has the bucket notify the queue of every
      ObjectCreated `.json` (under the prefix). Prints the queue URLs as JSON.
  s3-library.py upload --bucket music [--prefix lib/] DIR/ID [DIR/ID ...]
      Uploads each bundle's ID.json, then ID.jpg (if any), then ID.mp3: the original upload order.
  s3-library.py send --queue URL BODY
      Puts a raw message on a queue (a hand-made event, or a broken one).

Credentials, region and endpoint come from the standard AWS variables, as for every AWS tool:
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL.
"""
import argparse
import json
import os
import sys

import boto3

# boto3 reads AWS_DEFAULT_REGION; the AWS CLI v2 and the other SDKs read AWS_REGION. Take either.
SESSION = boto3.session.Session(region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))


def setup(args):
    s3 = SESSION.client("s3")
    sqs = SESSION.client("sqs")
    region = s3.meta.region_name
    if region == "us-east-1":
        s3.create_bucket(Bucket=args.bucket)
    else:
        s3.create_bucket(Bucket=args.bucket, CreateBucketConfiguration={"LocationConstraint": region})
    attributes = {"VisibilityTimeout": str(args.visibility_timeout)}
    urls = {}
    if args.dead_letter_queue:
        urls["deadLetterQueue"] = sqs.create_queue(QueueName=args.dead_letter_queue)["QueueUrl"]
    urls["queue"] = sqs.create_queue(QueueName=args.queue, Attributes=attributes)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=urls["queue"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rules = [{"Name": "suffix", "Value": ".json"}]
    if args.prefix:
        rules.append({"Name": "prefix", "Value": args.prefix})
    s3.put_bucket_notification_configuration(
        Bucket=args.bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": rules}}}
            ]
        },
    )
    print(json.dumps(urls))


CONTENT_TYPES = {".json": "application/json", ".jpg": "image/jpeg", ".mp3": "audio/mpeg"}


def upload(args):
    s3 = SESSION.client("s3")
    for bundle in args.bundles:
        sent = 0
        for extension in (".json", ".jpg", ".mp3"):
            path = bundle + extension
            if not os.path.exists(path):
                continue
            key = args.prefix + os.path.basename(path)
            with open(path, "rb") as body:
                s3.put_object(Bucket=args.bucket, Key=key, Body=body, ContentType=CONTENT_TYPES[extension])
            sent += 1
        if sent == 0:
            sys.exit(f"error: no {bundle}.json, .jpg or .mp3")


def send(args):
    SESSION.client("sqs").send_message(QueueUrl=args.queue, MessageBody=args.body)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("setup")
    p.add_argument("--bucket", required=True)
    p.add_argument("--queue", required=True)
    p.add_argument("--dead-letter-queue")
    p.add_argument("--prefix", default="")
    p.add_argument("--visibility-timeout", type=int, default=30)
    p.set_defaults(run=setup)
    p = commands.add_parser("upload")
    p.add_argument("--bucket", required=True)
    p.add_argument("--prefix", default="")
    p.add_argument("bundles", nargs="+", metavar="DIR/ID")
    p.set_defaults(run=upload)
    p = commands.add_parser("send")
    p.add_argument("--queue", required=True)
    p.add_argument("body")
    p.set_defaults(run=send)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
