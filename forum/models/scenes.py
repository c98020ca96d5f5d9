"""What the room shows: the presenter's choice for every screen and phone, and a screen's own rotation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scene(models.TextChoices):
    JOIN = "join", _("How to join (QR code)")
    PAUSE = "pause", _("Please wait")
    POLL = "poll", _("Live poll")
    PROPOSAL = "proposal", _("A proposal to vote on")
    RESULTS = "results", _("Results of the proposals")
    WALL = "wall", _("Comment wall")
    MAP = "map", _("Map of contributions")
    TWIN = "twin", _("3D twin")


# What a screen may rotate through on its own: a poll means the room's current one.
ROTATION_SCENES = [Scene.POLL, Scene.RESULTS, Scene.WALL, Scene.MAP, Scene.TWIN, Scene.JOIN]
