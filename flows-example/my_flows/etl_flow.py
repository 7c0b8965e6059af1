"""Extract -> transform -> load, with retries on the flaky extract step and a Kubernetes run config."""
from datetime import timedelta

from prefect import Flow, Parameter, task
from prefect.run_configs import KubernetesRun


@task(max_retries=3, retry_delay=timedelta(seconds=30), tags=["io"])
def extract(source):
    return [{"id": i, "source": source} for i in range(10)]


@task
def transform(rows):
    return [dict(row, clean=True) for row in rows]


@task(tags=["io"])
def load(rows, table):
    print(f"loading {len(rows)} rows into {table}")


with Flow(
    "etl-flow",
    run_config=KubernetesRun(image="ghcr.io/acme/flows-runtime:latest", labels=["k8s"]),
) as flow:
    source = Parameter("source", default="s3://acme-raw/events")
    rows = extract(source)
    load(transform(rows), table="analytics.events")
