"""The built-in workflows read their data set from the runtime's data directory (``ctx.data_dir``).

Generating the ledger takes seconds, so it is generated once per session and every test's data
directory starts with it cached, as on an installation that has run a report before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from underway.settings import Settings
from underway.workflows.builtin.monthly_report.dataset import dataset_path, ensure_dataset


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.getbasetemp() / "shared-datasets"
    ensure_dataset(data_dir)
    return data_dir


@pytest.fixture
def settings(settings_factory: Callable[..., Settings], shared_data_dir: Path) -> Settings:
    settings = settings_factory()
    cached = dataset_path(settings.data_dir)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.symlink_to(dataset_path(shared_data_dir))
    return settings
