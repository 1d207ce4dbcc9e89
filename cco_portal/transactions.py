"""Transactions that the database may end to break a deadlock, tried again.

PostgreSQL resolves a deadlock, or a conflict under serializable isolation, by failing one of the transactions
involved; the other goes on. The failed one did nothing and can simply run again, which is what a person
pressing the button again would do. Retrying here keeps that from reaching anyone as a server error."""

import functools
import logging
import random
import time

from django.db import OperationalError, connection, transaction

logger = logging.getLogger(__name__)

# SQLSTATE of a deadlock's victim and of a serialization failure: the two a transaction survives by running again.
RETRYABLE = {"40P01", "40001"}
ATTEMPTS = 3


def _is_retryable(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in RETRYABLE


def atomic_with_retry(function):
    """`transaction.atomic`, run again (up to ATTEMPTS times in all) when the database ends it to break a
    deadlock. Inside a caller's transaction nothing can be retried, so the error goes to the caller."""
    atomic_function = transaction.atomic(function)

    @functools.wraps(function)
    def run(*args, **kwargs):
        if connection.in_atomic_block:
            return atomic_function(*args, **kwargs)
        for attempt in range(1, ATTEMPTS):
            try:
                return atomic_function(*args, **kwargs)
            except OperationalError as error:
                if not _is_retryable(error):
                    raise
                logger.warning("%s: deadlock, trying again (%s of %s)", function.__qualname__, attempt + 1, ATTEMPTS)
                # A short random pause, so that the two transactions do not meet in the same order again.
                time.sleep(random.uniform(0.01, 0.1) * attempt)
        return atomic_function(*args, **kwargs)  # the last try's error, if any, goes to the caller

    return run
