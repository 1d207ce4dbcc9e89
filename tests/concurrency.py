"""Running work at the same moment on separate database connections, for the service suite's race tests."""

import threading
from collections.abc import Callable

from celery._state import _set_task_join_will_block, task_join_will_block
from django.core.exceptions import ValidationError
from django.db import connection


def run_together(jobs: dict[str, Callable], timeout: float = 60) -> dict[str, object]:
    """Run each job in its own thread and database connection, all released at once by a barrier.

    Returns, per job, what it returned, the messages of the ValidationError it raised, or any other exception.
    """
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    # Celery keeps "a task is running here" in one process-wide flag, and its eager apply saves and
    # restores it without a lock: two threads applying tasks at once can leave it set, after which
    # every later result.get() in this process refuses to wait for the real worker.
    joins_blocked_before = task_join_will_block()
    outcomes: dict[str, object] = {}

    def run(name, job):
        try:
            barrier.wait()
            outcomes[name] = job()
        except ValidationError as error:
            outcomes[name] = error.messages
        except Exception as error:  # reported by the caller's assertions, with its thread's name
            outcomes[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item, name=item[0]) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a job did not finish"
    _set_task_join_will_block(joins_blocked_before)
    return outcomes
