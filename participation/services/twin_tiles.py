"""Keeping the twin base map's tiles in step with the twin: forget the old revision when it changes, and
for a large twin compute every tile ahead (a worker's job), so that no visitor waits for one."""

from __future__ import annotations

import logging
import time

from kombu.exceptions import OperationalError

from participation import selectors
from participation.services.queue import queue_task
from participation.twin_tiles import MIN_ZOOM, tiles_covering

logger = logging.getLogger(__name__)

WARM_TWIN_TILES = "participation.tasks.warm_twin_tiles"
# Below this many objects any tile is computed within a few milliseconds on its first request.
WARM_MIN_OBJECTS = 5000
# Tiles of these zooms cover many objects each: computed ahead. The closer ones hold few (a street's worth)
# and are computed on their first request, within the budget (bench/basemap.py measures both).
WARM_ZOOMS = range(MIN_ZOOM, 17)


def twin_changed(*, objects: int) -> None:
    """After a commit that changed the twin (``objects``: how many it has now)."""
    selectors.forget_twin_revision()
    if objects < WARM_MIN_OBJECTS:
        return
    try:
        queue_task(WARM_TWIN_TILES)
    except OperationalError:
        logger.warning("cannot queue the base map's tiles (task queue down): they are made on first request")


def warm_twin_tiles(*, zooms: range = WARM_ZOOMS) -> int:
    """Compute (or find in the cache) every tile of the twin's extent at ``zooms``; return how many.

    Idempotent: a tile already computed for the current revision is only read. A twin changed meanwhile
    makes the later tiles its own (each tile asks for the revision).
    """
    state = selectors.twin_map_state()
    if state is None:
        return 0
    started, count = time.monotonic(), 0
    for zoom in zooms:
        for x, y in tiles_covering(state["bounds"], zoom):
            selectors.twin_tile(zoom=zoom, x=x, y=y)
            count += 1
    logger.info("base map: %s tiles ready in %.1f s", count, time.monotonic() - started)
    return count
