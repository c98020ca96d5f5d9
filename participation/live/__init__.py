"""The live path: frames of a consultation's state, published coalesced (``publisher``) and handed to
this process's sockets by one subscription per group (``relay``)."""

from participation.live.frames import (
    MESSAGE_TYPE,
    Frames,
    frame_message,
    read_consistently,
    results_frames,
    results_group,
)
from participation.live.publisher import Listener, SnapshotPublisher, publisher
from participation.live.relay import FrameRelay, Sink, relay

__all__ = [
    "MESSAGE_TYPE",
    "FrameRelay",
    "Frames",
    "Listener",
    "Sink",
    "SnapshotPublisher",
    "frame_message",
    "publisher",
    "read_consistently",
    "relay",
    "results_frames",
    "results_group",
]
