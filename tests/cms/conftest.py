"""Fixtures of the website's tests (tests/cms/)."""

import pytest
from django.test import Client


@pytest.fixture
def visitor(db):
    """A visitor without an account whose browser asks for English."""
    return Client(headers={"accept-language": "en"})
