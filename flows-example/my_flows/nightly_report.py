"""A report that runs every weekday morning (CronClock), one per region."""
import pendulum
from prefect import Flow, Parameter, task
from prefect.schedules import Schedule
from prefect.schedules.clocks import CronClock


@task
def build_report(region, days):
    print(f"report for {region} over {days} days")


@task
def publish(report):
    print(report)


schedule = Schedule(
    clocks=[
        CronClock(
            "0 6 * * 1-5",
            start_date=pendulum.datetime(2024, 1, 1, tz="Europe/Berlin"),
            parameter_defaults={"region": "eu", "days": 7},
        )
    ]
)

with Flow("nightly-report", schedule=schedule) as flow:
    region = Parameter("region", default="global")
    days = Parameter("days", default=1)
    publish(build_report(region, days))
