import pytest

from smpstudio.core import HeadModel
from smpstudio.head import ScalpChart, fit_ellipsoid_head, scalp_chart


@pytest.fixture(scope="session")
def head() -> HeadModel:
    """The ANSUR II mean-male ellipsoid head."""
    return fit_ellipsoid_head()


@pytest.fixture(scope="session")
def chart(head: HeadModel) -> ScalpChart:
    """Its scalp chart."""
    return scalp_chart(head)
