"""Components are registered by name, declare what they need, and build a pipeline."""

import pytest

from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS, Pipeline
from narcwatch.analyze.registry import components
from narcwatch.errors import ComponentError, UsageError


def test_default_components_are_registered_with_descriptions():
    specs = components()
    for name in DEFAULT_COMPONENTS:
        assert name in specs and specs[name].description


def test_order_is_checked():
    with pytest.raises(ComponentError, match="needs norm"):
        Pipeline(("substances",))


def test_unknown_component_lists_valid_ones():
    with pytest.raises((UsageError, ComponentError)) as exc:
        Pipeline(("normalize", "telepathy"))
    assert "normalize" in str(exc.value)
