"""Remote mode of the CLI: the commands that talk to an Underway server through the SDK.

A server is configured by ``--server URL``, ``UNDERWAY_URL`` or the last ``underway login``; the
credential is ``UNDERWAY_TOKEN`` (access token or API key) or the token stored by ``login``.
"""

from underway.cli.remote.api_keys import api_keys_app
from underway.cli.remote.ops import ops_app
from underway.cli.remote.run import run_remote
from underway.cli.remote.session import login, logout
from underway.cli.remote.webhooks import triggers_app, webhooks_app
from underway.cli.remote.workflows import remote_workflows

__all__ = [
    "api_keys_app",
    "login",
    "logout",
    "ops_app",
    "remote_workflows",
    "run_remote",
    "triggers_app",
    "webhooks_app",
]
