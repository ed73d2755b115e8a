"""Issue 10: parallel and distributed runs give the verdicts of one process."""
from __future__ import annotations

import math

import pytest

from montecarlo.parallel import check_workers, run_tasks
from montecarlo.verify import verify_claims

# cheap claims with checks of every numeric kind: M, N, F
CHEAP = ["init.preact_symmetric", "bn.scale_invariance", "optim.l2_gradient", "relu.forward_backward_example"]


def _without_timings(value):
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in ("seconds", "experiment_seconds")}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _fails_on_three(x):
    if x == 3:
        raise ArithmeticError("three")
    return x * x


def test_run_tasks_in_order_and_as_completed():
    tasks = [(2.0, 3.0), (3.0, 2.0), (4.0, 0.5)]
    assert list(run_tasks(math.pow, tasks)) == [(0, 8.0), (1, 9.0), (2, 2.0)]
    assert list(run_tasks(math.pow, tasks, workers=2, ordered=True)) == [(0, 8.0), (1, 9.0), (2, 2.0)]
    assert sorted(run_tasks(math.pow, tasks, workers=2, cost=lambda t: t[1])) == [(0, 8.0), (1, 9.0), (2, 2.0)]


def test_a_task_error_reaches_the_caller():
    with pytest.raises(ArithmeticError, match="three"):
        list(run_tasks(_fails_on_three, [(1,), (3,)], workers=2))
    with pytest.raises(ArithmeticError, match="three"):
        list(run_tasks(_fails_on_three, [(1,), (3,)]))


@pytest.mark.parametrize("workers, error", [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError),
                                            ("2", TypeError)])
def test_bad_workers_are_refused(workers, error):
    with pytest.raises(error, match="workers"):
        check_workers(workers)
    with pytest.raises(error, match="workers"):
        list(verify_claims(CHEAP[:1], workers=workers))


def test_bad_scheduler_and_unknown_claim_are_refused():
    with pytest.raises(ValueError, match="scheduler"):
        check_workers(2, "")
    with pytest.raises(ValueError, match="nope.claim"):
        list(verify_claims(["nope.claim"], workers=2))


def test_verify_on_two_processes_gives_the_reports_of_one():
    one = [r.to_dict() for r in verify_claims(CHEAP, seed=7)]
    two = [r.to_dict() for r in verify_claims(CHEAP, seed=7, workers=2)]
    assert [r["id"] for r in two] == CHEAP
    assert _without_timings(one) == _without_timings(two)
    assert all(r["outcome"] == "passed" for r in one)


def test_verify_on_a_dask_cluster_gives_the_reports_of_one_process():
    distributed = pytest.importorskip("distributed")
    one = [r.to_dict() for r in verify_claims(CHEAP[:2], seed=3)]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_cluster = [r.to_dict() for r in verify_claims(CHEAP[:2], seed=3, scheduler=cluster.scheduler_address)]
    assert _without_timings(one) == _without_timings(on_cluster)


@pytest.mark.parametrize("argv, message", [
    (["--workers", "0"], "--workers must be a positive integer"),
    (["--scheduler", "not an address"], "--scheduler must be an address"),
])
def test_the_command_refuses_bad_parallel_options(argv, message, capsys):
    from montecarlo.cli import main

    assert main(["verify", "optim.l2_gradient", *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1 and captured.out == ""


def test_a_terminated_run_stops_its_worker_processes(tmp_path):
    """SIGTERM ends `dlproofs calibrate --workers 2` as Ctrl-C does (exit 130) and leaves no orphan."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    psutil = pytest.importorskip("psutil")
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", "import sys; from montecarlo.cli import main; sys.exit(main())", "calibrate",
               "init.node_statistics", "--seeds", "4", "--workers", "2", "-o", str(tmp_path / "c.jsonl")]
    run = subprocess.Popen(command, cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    children = []
    for _ in range(600):  # the pool's workers start within a few seconds, however loaded the machine
        children = [c for c in psutil.Process(run.pid).children(recursive=True) if "spawn_main" in " ".join(c.cmdline())]
        if len(children) == 2 or run.poll() is not None:
            break
        time.sleep(0.1)
    assert len(children) == 2, "the pool's two workers did not start"
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=60) == 130
    assert "interrupted" in run.stderr.read().decode()
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive
