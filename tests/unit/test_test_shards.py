"""scripts/test_shards.py: how the suite's files are shared out between the parallel pytest
processes of `make test`, and how their junit reports become the next run's weights."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import test_shards  # noqa: E402


def test_every_file_lands_in_exactly_one_shard_and_the_longest_are_spread():
    expected = {"tests/integration/test_a.py": 600, "tests/integration/test_b.py": 500,
                "tests/unit/test_c.py": 100, "tests/unit/test_d.py": 90, "tests/integration/test_e.py": 400,
                "tests/unit/test_f.py": 10}
    shards, loads = test_shards.partition(expected, 3)
    assert sorted(name for files in shards for name in files) == sorted(expected)
    homes = {name: index for index, files in enumerate(shards) for name in files}
    longest = ("tests/integration/test_a.py", "tests/integration/test_b.py", "tests/integration/test_e.py")
    assert len({homes[name] for name in longest}) == 3
    assert sorted(loads) == [510, 590, 600]         # each next-longest file to the lightest shard
    assert all(files == sorted(files) for files in shards)      # the suite's own order within a shard


def test_the_e2e_files_on_the_shared_system_stay_in_one_shard():
    expected = {"tests/e2e/test_a.py": 300, "tests/e2e/test_b.py": 300, "tests/e2e/test_api_document.py": 400,
                "tests/integration/test_c.py": 350, "tests/unit/test_d.py": 250}
    shards, loads = test_shards.partition(expected, 3)
    homes = {name: index for index, files in enumerate(shards) for name in files}
    assert homes["tests/e2e/test_a.py"] == homes["tests/e2e/test_b.py"]        # one shared system
    assert homes["tests/e2e/test_api_document.py"] != homes["tests/e2e/test_a.py"]   # its own system
    assert sorted(loads) == [400, 600, 600]


def test_the_compose_stack_and_the_browsers_never_run_at_the_same_time():
    """podman's network set-up made the console's Chromium drop page loads (ERR_NETWORK_CHANGED)."""
    expected = {"tests/e2e/test_console_sales.py": 300, "tests/e2e/test_compose_stack.py": 150,
                "tests/integration/gateway/test_docs_browser.py": 20, "tests/unit/test_a.py": 600,
                "tests/unit/test_b.py": 600}
    shards, _loads = test_shards.partition(expected, 3)
    homes = {name: index for index, files in enumerate(shards) for name in files}
    assert homes["tests/e2e/test_compose_stack.py"] == homes["tests/e2e/test_console_sales.py"] \
        == homes["tests/integration/gateway/test_docs_browser.py"]
    assert all((test_shards.ROOT / name).exists() for name in test_shards.WITH_THE_BROWSERS)


def test_the_files_placed_alone_are_those_that_start_a_system_of_their_own():
    """A new e2e file that builds its own System, runs `make run` or the compose stack belongs in
    OWN_SYSTEM (else its shard would needlessly start the shared one too); a listed one must exist."""
    e2e = (test_shards.ROOT / "tests" / "e2e").glob("test_*.py")
    signs = ("System(", "run.sh", "compose_check")
    starts_its_own = sorted(str(path.relative_to(test_shards.ROOT)) for path in e2e
                            if any(sign in path.read_text() for sign in signs))
    assert starts_its_own == sorted(test_shards.OWN_SYSTEM)


def test_more_shards_than_files_makes_no_empty_shard():
    shards, loads = test_shards.partition({"tests/unit/test_a.py": 1.0}, 3)
    assert shards == [["tests/unit/test_a.py"]] and loads == [1.0]


def test_a_file_not_measured_yet_weighs_its_levels_median():
    measured = {"tests/e2e/test_a.py": 100, "tests/e2e/test_b.py": 300, "tests/e2e/test_c.py": 200,
                "tests/unit/test_d.py": 1}
    files = ["tests/e2e/test_a.py", "tests/e2e/test_new.py", "tests/unit/test_new.py",
             "tests/chaos/test_x.py"]
    assert test_shards.weights(files, measured) == {
        "tests/e2e/test_a.py": 100, "tests/e2e/test_new.py": 200, "tests/unit/test_new.py": 1,
        "tests/chaos/test_x.py": test_shards.UNMEASURED_SECONDS}


def test_the_junit_reports_sum_each_files_time(tmp_path, monkeypatch):
    monkeypatch.setattr(test_shards, "OUT", tmp_path)
    (tmp_path / "shard-1.xml").write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase file="tests/unit/test_a.py" name="one" time="1.25"/>'
        '<testcase file="tests/unit/test_a.py" name="two" time="0.5"/>'
        '<testcase file="tests/e2e/test_b.py" name="three" time="30"/></testsuite></testsuites>')
    (tmp_path / "shard-2.xml").write_text(
        '<testsuites><testsuite name="pytest"><testcase file="tests/unit/test_c.py" name="x" time="2"/>'
        '</testsuite></testsuites>')
    assert test_shards.measured_durations(3) == {"tests/e2e/test_b.py": 30.0, "tests/unit/test_a.py": 1.75,
                                                 "tests/unit/test_c.py": 2.0}


def test_the_committed_weights_name_only_files_that_exist():
    """A renamed or deleted test file left in tests/durations.json would only skew the shares;
    refreshing the file (cp var/test-shards/durations.json tests/durations.json) fixes it."""
    import json
    measured = json.loads(test_shards.DURATIONS.read_text())
    assert measured, "tests/durations.json is empty"
    missing = sorted(name for name in measured if not (test_shards.ROOT / name).exists())
    assert not missing, missing
