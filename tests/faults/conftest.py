"""The server tests' setup (scenario directory, clean game cache per case)."""

from tests.server.conftest import _close_thread_connections, _forge_settings

__all__ = ["_close_thread_connections", "_forge_settings"]
