"""``underway workflows`` against a server: the catalogue the server offers."""

from __future__ import annotations

from rich.console import Console

from underway.cli.config import Target
from underway.cli.remote.common import connected
from underway.cli.render import print_json, workflows_table


def remote_workflows(target: Target, *, as_json: bool, console: Console) -> None:
    with connected(target) as client:
        infos = client.workflows()
    if as_json:
        print_json(console, [i.model_dump(mode="json") for i in infos])
    else:
        console.print(workflows_table(infos))
