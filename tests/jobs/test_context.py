"""The Context: flags beat the environment, which beats the settings file, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from narcwatch.errors import StoreError, UsageError
from narcwatch.jobs.context import Context


def test_defaults_put_everything_under_the_home(tmp_path: Path) -> None:
    ctx = Context.build(tmp_path / "home", environ={})
    assert ctx.home == tmp_path / "home" and ctx.home.is_dir()
    assert ctx.database_url == f"sqlite:///{tmp_path / 'home' / 'narcwatch.db'}"
    assert ctx.archive_root == ctx.home / "archive"
    assert ctx.custody_path == ctx.home / "custody.jsonl"
    assert ctx.pipeline_settings.config() == {}


def test_flags_beat_environment_beat_settings_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "narcwatch.toml").write_text(
        '[store]\ndatabase_url = "sqlite:///from-file.db"\n'
        '[pipeline]\nregion = "DE"\nprevalence = 0.05\n'
    )
    from_file = Context.build(home, environ={})
    assert from_file.database_url == "sqlite:///from-file.db"
    assert from_file.pipeline_settings.config() == {
        "selectors": {"region": "DE"},
        "offer": {"prevalence": 0.05},
    }
    from_env = Context.build(home, environ={"NARCWATCH_DATABASE_URL": "sqlite:///env.db"})
    assert from_env.database_url == "sqlite:///env.db"
    flags = Context.build(home, "sqlite:///flag.db", region="FR", threshold=0.7, environ={})
    assert flags.database_url == "sqlite:///flag.db"
    # a threshold given beats a prevalence from the file: it is the more precise wish
    assert flags.pipeline_settings.config() == {
        "selectors": {"region": "FR"},
        "offer": {"threshold": 0.7},
    }


def test_the_home_comes_from_the_environment(tmp_path: Path) -> None:
    ctx = Context.build(environ={"NARCWATCH_HOME": str(tmp_path / "env-home")})
    assert ctx.home == tmp_path / "env-home"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[pipline]\nregion = 'FR'\n",
            "unknown section [pipline] (valid: pipeline, server, store)",
        ),
        ("[pipeline]\nregoin = 'FR'\n", "unknown key 'regoin' in [pipeline]"),
        ("[pipeline\n", "not valid TOML"),
        ("[pipeline]\nregion = 'France'\n", "region must be an ISO 3166 alpha-2 code"),
    ],
)
def test_a_bad_settings_file_is_named_with_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(text)
    with pytest.raises(UsageError) as err:
        Context.build(tmp_path / "home", config_file=config, environ={})
    assert message in str(err.value)
    if "region must" not in message:
        assert str(config) in str(err.value)


def test_a_missing_settings_file_given_explicitly_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the settings file"):
        Context.build(tmp_path, config_file=tmp_path / "nope.toml", environ={})


def test_read_only_contexts_create_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Context.build(tmp_path / "missing", create=False, environ={})
    assert not (tmp_path / "missing").exists()
    analysis_only = Context.build(tmp_path / "missing", needs_home=False, environ={})
    assert analysis_only.database_url == "sqlite://"
    assert not (tmp_path / "missing").exists()


def test_unknown_pipeline_settings_list_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"unknown pipeline setting 'regoin' \(valid: "):
        Context.build(tmp_path, regoin="FR", environ={})


def test_with_pipeline_changes_only_what_is_given(tmp_path: Path) -> None:
    ctx = Context.build(tmp_path, region="FR", environ={})
    changed = ctx.with_pipeline(threshold=0.5, region=None)
    assert changed.pipeline_settings.region == "FR"
    assert changed.pipeline_settings.threshold == 0.5
    assert ctx.pipeline_settings.threshold is None
