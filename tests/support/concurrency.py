"""Calls released at the same moment, each in its own thread with its own database connection."""

import threading

from django.db import connection


def at_once(calls: list) -> list[BaseException]:
    """Run each call in its own thread, released together; return what they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:  # the test reports every failure of every thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a voting thread hung"
    return errors
