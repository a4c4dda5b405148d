"""The scaled-out service: ingest through S3 + SQS, and the catalog in PostgreSQL beside SQLite.

bench.py runs this under scripts/test-services.sh, which starts PostgreSQL and moto (the S3 + SQS server)
on loopback and says where in TERMPLAYER_TEST_POSTGRES_URL and TERMPLAYER_TEST_AWS_ENDPOINT.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def environment():
    endpoint = os.environ.get("TERMPLAYER_TEST_AWS_ENDPOINT")
    postgres = os.environ.get("TERMPLAYER_TEST_POSTGRES_URL")
    if not endpoint or not postgres:
        sys.exit("bench: the scaled-out benchmarks need scripts/test-services.sh around them (make bench does)")
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
                       "AWS_ENDPOINT_URL": endpoint})
    import boto3
    return boto3.session.Session(region_name="us-east-1"), postgres


def create_database(postgres, name):
    """A fresh database on the test cluster; returns its URL."""
    subprocess.run(["psql", postgres, "-qc", f'CREATE DATABASE "{name}"'], check=True,
                   env={**os.environ, "PGPASSWORD": "termplayer"}, stdout=subprocess.DEVNULL)
    return postgres.rsplit("/", 1)[0] + "/" + name


def bucket_with_queue(session):
    """A bucket whose `.json` uploads notify a fresh queue, as scripts/s3-library.py sets one up."""
    suffix = uuid.uuid4().hex[:8]
    s3, sqs = session.client("s3"), session.client("sqs")
    bucket = f"bench-{suffix}"
    s3.create_bucket(Bucket=bucket)
    queue = sqs.create_queue(QueueName=bucket)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
         "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".json"}]}}}]})
    return bucket, queue


def moto_request_rate(session, bucket, seconds=3):
    """HEAD requests per second moto answers to one boto3 client: the server's own ceiling here."""
    s3 = session.client("s3")
    s3.put_object(Bucket=bucket, Key="probe.json", Body=b"{}")
    count, started = 0, time.monotonic()
    while time.monotonic() - started < seconds:
        s3.head_object(Bucket=bucket, Key="probe.json")
        count += 1
    return count / (time.monotonic() - started)


def s3_sqs_ingest(session, postgres, work, Server, mp3, count, drain):
    """Bundles uploaded with boto3 (JSON first, 8 at a time) to a bucket whose `.json` uploads notify a
    queue, and one replica following it. With `drain`, everything is uploaded first and the replica starts
    after, so the clock times ingest alone; otherwise the replica runs during the uploads, as in use.
    Returns bundles/s to the last song in the catalog, the upload rate, and moto's own request rate."""
    bucket, queue = bucket_with_queue(session)
    ceiling = moto_request_rate(session, bucket)
    session.client("s3").delete_object(Bucket=bucket, Key="probe.json")
    database = create_database(postgres, f"bench_sqs_{uuid.uuid4().hex[:8]}")
    s3 = session.client("s3")
    audio = mp3.read_bytes()

    def replica():
        return Server(work / f"sqs-replica-{uuid.uuid4().hex[:6]}", "--storage", f"s3://{bucket}", "--events", queue,
                      "--database", database, "--token", "bench-token")

    def upload(index):
        name = f"sqs{index:06d}"
        document = {"title": f"Title {index:06d}", "artist": f"Artist {index // 10:04d}", "genre": index % 8 + 1}
        s3.put_object(Bucket=bucket, Key=f"{name}.json", Body=json.dumps(document).encode(), ContentType="application/json")
        s3.put_object(Bucket=bucket, Key=f"{name}.mp3", Body=audio, ContentType="audio/mpeg")

    server = None if drain else replica()
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(upload, range(count)))
    upload_rate = count / (time.monotonic() - started)
    if drain:
        server = replica()
        started = server.started
    done = server.wait_for_songs(count, timeout=max(300, count))
    server.stop()
    return count / (done - started), upload_rate, ceiling


def rows(work, Server, tone_mp3, write_bundles, wrk_percentiles, songs, seconds, sqs_bundles, sqs_only=False):
    session, postgres = environment()
    work.mkdir(parents=True, exist_ok=True)
    result = []

    mp3 = tone_mp3(work, 5)  # 80 KB
    for drain, what in ((True, "events waiting, then one replica drains them"), (False, "one replica following the uploads")):
        rate, upload_rate, ceiling = s3_sqs_ingest(session, postgres, work, Server, mp3, sqs_bundles, drain)
        result.append((f"ingest, S3 + SQS (moto) → PostgreSQL, {sqs_bundles:,} bundles uploaded with boto3: {what}",
                       f"{rate:,.0f} bundles/s", "≥ 200 bundles/s",
                       f"boto3 uploads {upload_rate:,.0f} bundles/s; moto answers {ceiling:,.0f} HEAD/s to one client"))

    if sqs_only:
        return result

    # The same library in SQLite and in PostgreSQL, ingested from one local bucket; then the same query.
    library = work / "scaled-library"
    write_bundles(library / "bucket", songs, tone_mp3(work, 30))
    figures = {}
    for name, extra in (("SQLite", ()), ("PostgreSQL", ("--database", create_database(postgres, f"bench_pg_{uuid.uuid4().hex[:8]}")))):
        server = Server(library, *extra)
        done = server.wait_for_songs(songs, timeout=max(900, songs / 20))
        ingest = songs / (done - server.started)
        p50, p99, requests = wrk_percentiles(server.url + "/songs?genre=Jazz&limit=100", seconds)
        figures[name] = (p50, p99, requests, ingest)
        server.stop()
        (library / "catalog.sqlite").unlink(missing_ok=True)
    sqlite, pg = figures["SQLite"], figures["PostgreSQL"]
    result.append((f"GET /songs?genre=Jazz&limit=100, {songs:,} songs in PostgreSQL",
                   f"p50 {pg[0]:.2f} ms, p99 {pg[1]:.2f} ms ({pg[2]:,.0f} req/s, 1 connection)",
                   f"p99 ≤ 2 × SQLite ({2 * sqlite[1]:.2f} ms)",
                   f"SQLite, same run: p50 {sqlite[0]:.2f} ms, p99 {sqlite[1]:.2f} ms"))
    result.append((f"ingest of {songs:,} local bundles into PostgreSQL", f"{pg[3]:,.0f} bundles/s", "—",
                   f"into SQLite, same run: {sqlite[3]:,.0f} bundles/s"))
    return result
