"""Running checks on several processes, or on a Dask cluster, with the verdicts of one process.

Work is a list of tasks: picklable calls of module-level functions (``verify_task``,
``calibrate_task``, ...). A task's random numbers come from its seed and the identity of each
declared item (``checks.base.stream``), never from the process that runs it or from the order
in which tasks finish, so every verdict is the same for any number of workers.

``run_tasks(fn, tasks, workers=W, scheduler=ADDRESS)`` yields ``(index, result)`` pairs:

- ``workers=1`` and no scheduler: in this process, in order (no pool, nothing pickled);
- ``workers=W > 1``: a ``ProcessPoolExecutor`` of W processes started with "spawn", each with
  one BLAS/OpenMP thread (W processes on W cores, not W x cores threads);
- ``scheduler="tcp://host:port"``: the ``concurrent.futures`` executor of a Dask
  ``distributed.Client`` connected to that scheduler (``pip install 'dlproofs[distributed]'``).

Results arrive as they finish (``ordered=False``) or in task order (``ordered=True``, each
yielded as soon as every earlier one is done). Tasks are submitted longest first when a
``cost`` is given, so the slowest claim does not start last.
"""
from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager

__all__ = ["run_tasks", "executor", "check_workers", "SINGLE_THREAD_ENV"]

SINGLE_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                     "NUMEXPR_NUM_THREADS")


_ADDRESS = re.compile(r"(?:[a-z]+://)?(?:\[[0-9a-fA-F:.]+\]|[\w.-]+):\d{1,5}")  # [scheme://]host:port


def check_workers(workers, scheduler=None) -> int:
    """``workers`` as a positive int (ValueError/TypeError naming it otherwise)."""
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise TypeError(f"workers must be a positive integer, not {type(workers).__name__}")
    if workers < 1:
        raise ValueError(f"workers must be a positive integer, not {workers}")
    if scheduler is not None and (not isinstance(scheduler, str) or not _ADDRESS.fullmatch(scheduler)):
        raise ValueError(f"scheduler must be an address such as 'tcp://127.0.0.1:8786', not {scheduler!r}")
    return workers


class _InProcess(Executor):
    """Runs each task when its result is asked for: one process, task order, no pickling."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 (handed to the caller through the future)
            future.set_exception(error)
        return future


@contextmanager
def _single_threaded_children():
    saved = {name: os.environ.get(name) for name in SINGLE_THREAD_ENV}
    os.environ.update({name: "1" for name in SINGLE_THREAD_ENV})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Executor]:
    """The executor for ``workers`` processes or a Dask ``scheduler`` address (see the module)."""
    check_workers(workers, scheduler)
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:
            raise ImportError("--scheduler needs Dask's distributed: pip install 'dlproofs[distributed]' "
                              "(from a checkout: pip install '.[distributed]')") from None
        try:
            client = Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ValueError(f"scheduler {scheduler!r} cannot be reached: {error}") from None
        try:
            with client.get_executor() as pool:
                yield pool
        finally:
            client.close()
        return
    if workers == 1:
        yield _InProcess()
        return
    # The pool starts its processes at the first submit, so the children's one-thread environment
    # must hold for the pool's whole life, not only while it is made.
    with _single_threaded_children():
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        try:
            yield pool
        except BaseException:  # interrupted (Ctrl-C, SIGTERM, an error): stop the workers now, leave no orphan
            _terminate(pool)
            raise
        else:
            pool.shutdown(wait=True, cancel_futures=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())  # CPython's pool keeps them there
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def run_tasks(fn: Callable, tasks: Sequence[tuple], *, workers: int = 1, scheduler: str | None = None,
              ordered: bool = False, cost: Callable[[tuple], float] | None = None) -> Iterator[tuple[int, object]]:
    """``(index, fn(*tasks[index]))`` for every task, as they finish or in order (``ordered``).

    In one process the tasks run lazily, one per item taken from the iterator. An exception in a
    task is raised here, after the pool has been shut down.
    """
    check_workers(workers, scheduler)
    tasks = list(tasks)
    if workers == 1 and scheduler is None:
        for index, task in enumerate(tasks):
            yield index, fn(*task)
        return
    order = sorted(range(len(tasks)), key=lambda i: -cost(tasks[i])) if cost else list(range(len(tasks)))
    with executor(workers, scheduler) as pool:
        futures = {pool.submit(fn, *tasks[i]): i for i in order}
        pending = set(futures)
        done_results: dict[int, object] = {}
        next_index = 0
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = futures[future]
                result = future.result()  # re-raises a task's exception; the pool shuts down on exit
                if not ordered:
                    yield index, result
                else:
                    done_results[index] = result
            while ordered and next_index in done_results:
                yield next_index, done_results.pop(next_index)
                next_index += 1
