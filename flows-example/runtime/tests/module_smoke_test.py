"""Smoke test of the flows runtime image, run by the Dockerfile's smoke-test stage.

A flow run in this image loads its flow from the git repository, so the image fails only when a
flow run starts. This test fails at build time instead, for the ways a runtime image goes wrong:
the wrong Prefect, Git storage without dulwich (or with a dulwich whose API moved), a module the
flows import that is missing, and a package that imports but no longer fits Prefect 1.4.1
(marshmallow for serialization, pendulum and croniter for schedules), which a tiny flow run, a
serialization and a schedule computation bring out.

Standard library only (unittest); no network, no Prefect server, no git binary.
Run: python module_smoke_test.py
"""

import importlib
import unittest

EXPECTED_PREFECT_VERSION = "1.4.1"

# Every module the flows in flows-example/my_flows import from outside the standard library, plus
# the flows' declared packages. A prefect-git test (test/runtime) keeps this list in step with the
# flows' import lines.
FLOW_MODULES = (
    "pandas",
    "pendulum",
    "prefect",
    "prefect.run_configs",
    "prefect.schedules",
    "prefect.schedules.clocks",
)

# What Prefect 1.4.1's Git storage (prefect.utilities.git.TemporaryGitRepo) takes from dulwich
# when it clones the flows repository at the start of a flow run.
DULWICH_NAMES = (
    ("dulwich.porcelain", "clone"),
    ("dulwich.index", "build_index_from_tree"),
    ("dulwich.repo", "Repo"),
)

STORAGE_ARGS = {
    "repo": "acme/data-flows",
    "repo_host": "github.com",
    "flow_path": "my_flows/nightly_report.py",
    "branch_name": "main",
    "git_token_secret_name": "GITHUB_ACCESS_TOKEN",
}


class RuntimeImageTest(unittest.TestCase):
    def test_prefect_is_exactly_the_registered_version(self):
        import prefect

        self.assertTrue(prefect.__version__.startswith("1."), prefect.__version__)
        self.assertEqual(prefect.__version__, EXPECTED_PREFECT_VERSION)

    def test_the_flows_modules_import(self):
        for name in FLOW_MODULES:
            with self.subTest(module=name):
                importlib.import_module(name)

    def test_pendulum_is_the_2_line(self):
        import pendulum

        self.assertTrue(pendulum.__version__.startswith("2."), pendulum.__version__)

    def test_git_storage_finds_what_it_clones_with(self):
        from prefect.storage import Git
        from prefect.utilities.git import TemporaryGitRepo

        self.assertTrue(callable(Git) and callable(TemporaryGitRepo))
        for module_name, attribute in DULWICH_NAMES:
            with self.subTest(name=f"{module_name}.{attribute}"):
                module = importlib.import_module(module_name)
                self.assertTrue(hasattr(module, attribute), f"{module_name} has no {attribute}")

    def test_a_flow_runs_in_process(self):
        from prefect import Flow, Parameter, task

        @task
        def double(x):
            return 2 * x

        with Flow("runtime-smoke") as flow:
            n = Parameter("n", default=21)
            doubled = double(n)

        state = flow.run()
        self.assertTrue(state.is_successful(), state)
        self.assertEqual(state.result[doubled].result, 42)

    def test_a_flow_like_the_flows_serializes_and_schedules(self):
        import pendulum
        from prefect import Flow, Parameter, task
        from prefect.run_configs import KubernetesRun
        from prefect.schedules import Schedule
        from prefect.schedules.clocks import CronClock
        from prefect.storage import Git

        @task
        def report(days):
            return days

        schedule = Schedule(
            clocks=[
                CronClock(
                    "0 6 * * 1-5",
                    start_date=pendulum.datetime(2023, 3, 1, tz="Europe/Berlin"),
                    parameter_defaults={"days": 7},
                )
            ]
        )
        with Flow("nightly-smoke", schedule=schedule, run_config=KubernetesRun(labels=["prod"])) as flow:
            report(Parameter("days", default=1))
        flow.storage = Git(**STORAGE_ARGS)

        serialized = flow.serialize(build=False)
        self.assertEqual(serialized["__version__"], EXPECTED_PREFECT_VERSION)
        self.assertEqual(serialized["storage"]["type"], "Git")
        self.assertEqual(serialized["storage"]["repo"], STORAGE_ARGS["repo"])
        self.assertEqual(serialized["storage"]["branch_name"], STORAGE_ARGS["branch_name"])
        self.assertEqual(serialized["run_config"]["type"], "KubernetesRun")
        clock = serialized["schedule"]["clocks"][0]
        self.assertEqual(clock["cron"], "0 6 * * 1-5")
        self.assertEqual(clock["parameter_defaults"], {"days": 7})

        upcoming = flow.schedule.next(2, after=pendulum.datetime(2024, 1, 5, 12, tz="Europe/Berlin"))
        # After Friday noon the next weekday 06:00 runs are Monday the 8th and Tuesday the 9th.
        berlin = [d.in_tz("Europe/Berlin") for d in upcoming]
        self.assertEqual([(d.day, d.hour, d.minute) for d in berlin], [(8, 6, 0), (9, 6, 0)])


if __name__ == "__main__":
    unittest.main(verbosity=2)
