import pytest

from tests.contacts.support import NOW


@pytest.fixture
def clock(time_machine):
    """Stop the clock at NOW (Monday 2 Nov 2026, 10:00 London)."""
    time_machine.move_to(NOW, tick=False)
    return time_machine
