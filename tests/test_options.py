"""One options object (mip.set_options), the environment variables still honoured."""

import pytest

import mip
from mip.errors import MipError


def test_set_options_wins_over_the_environment_and_restores(monkeypatch, tmp_path):
    monkeypatch.setenv("MIP_CACHE_DIR", "/from/env")
    assert mip.get_option("cache_dir") == "/from/env"  # the variable is read when the option is used
    with mip.set_options(cache_dir=str(tmp_path)):
        assert mip.get_option("cache_dir") == str(tmp_path)
        from mip.io.weights_cache import cache_path
        import numpy as np

        p = cache_path("key", np.zeros((2, 2)), np.zeros((3, 2)))
        assert p is not None and p.is_relative_to(tmp_path)  # the cache folder comes from the option
    assert mip.get_option("cache_dir") == "/from/env"
    monkeypatch.delenv("MIP_CACHE_DIR")
    assert mip.get_option("cache_dir") is None


@pytest.mark.parametrize("text, value", [("1", True), ("true", True), ("0", False), ("", False)])
def test_flags_from_the_environment(monkeypatch, text, value):
    monkeypatch.setenv("MIP_TRUST_CATALOGS", text)
    assert mip.get_option("trust_catalogs") is value
    from mip.catalog.guard import trusted

    assert trusted() is value


def test_wrong_options_are_refused():
    with pytest.raises(MipError, match="unknown fluxmip option.*cachedir"):
        mip.set_options(cachedir="/x")
    with pytest.raises(MipError, match="expected True or False"):
        mip.set_options(trust_catalogs="yes")
    with pytest.raises(MipError, match="unknown fluxmip option 'nope'"):
        mip.get_option("nope")


def test_background_figures_off_by_option(tmp_path):
    from mip.io import figure_worker as figures

    with mip.set_options(background_figures=False), figures.rendering_in_background():
        assert figures._ACTIVE.get() is None
