"""One sync task per table, made in a loop over a module-level list and chained in order."""
from prefect import Flow, Task, task

TABLES = ["users", "orders", "payments"]


class SyncTable(Task):
    def run(self):
        self.logger.info("syncing %s", self.name)


@task
def vacuum(table):
    print(f"vacuum {table}")


with Flow("table-sync") as flow:
    previous = None
    for table in TABLES:
        sync = SyncTable(name=f"sync-{table}", tags=["sync"])
        flow.add_task(sync)
        if previous is not None:
            sync.set_upstream(previous)
        vacuum(table, upstream_tasks=[sync])
        previous = sync
