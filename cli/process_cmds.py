"""``cabinet server``, ``cabinet worker``, ``cabinet projector``: the long-running processes."""

from __future__ import annotations

import asyncio
import signal
import threading

import click

from cli import failures
from cli.context import Context
from cli.options import command
from cli.session import handler
from workers.processes import run_projector, run_web, run_worker, serve
from workers.settings import Settings, SettingsError


def _announce(line: str) -> None:
    print(line, flush=True)


def _serving(settings: Settings, main: object) -> int:
    """Run a process that serves HTTP: its settings refused (development keys outside
    development) before anything starts."""
    from web.services import check_can_serve

    try:
        check_can_serve(settings)
    except SettingsError as error:
        return failures.bad_configuration(error)
    code = until_signalled(main)
    print("stopped", flush=True)
    return code


def until_signalled(main: object) -> int:
    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)  # type: ignore[operator]
    asyncio.run(runner())
    return 0


@command("server", "cabinet server", "cabinet server --port 7300 --ui-port 8300",
         "CABINET_HTTP_PORT=8100 cabinet server")
@click.option("--port", type=int, metavar="PORT", help="Temporal gRPC port (default 7233)")
@click.option("--ui-port", type=int, metavar="PORT", help="Temporal Web UI port (default 8233)")
@handler
def server_command(ctx: Context, port: int | None, ui_port: int | None) -> int:
    """Run the embedded system: Temporal dev server, worker, projector and the HTTP API
    (on CABINET_HTTP_HOST:CABINET_HTTP_PORT, loopback port 8000 by default; Ctrl-C stops it)."""
    settings = ctx.settings
    if port or ui_port:
        settings = settings.__class__(**{**settings.__dict__,
                                         "temporal_port": port or settings.temporal_port,
                                         "temporal_ui_port": ui_port
                                         or settings.temporal_ui_port})
    return _serving(settings, lambda stop: serve(settings, stop, _announce))


@command("web", "cabinet web",
         "CABINET_HTTP_HOST=0.0.0.0 CABINET_TEMPORAL_ADDRESS=temporal:7233 cabinet web")
@handler
def web_command(ctx: Context) -> int:
    """Serve the HTTP API alone, against a running Temporal server, worker and projector
    (production; CABINET_SECRET_KEY required outside development)."""
    return _serving(ctx.settings, lambda stop: run_web(ctx.settings, stop, _announce))


@command("worker", "cabinet worker", "CABINET_TEMPORAL_ADDRESS=temporal:7233 cabinet worker")
@handler
def worker_command(ctx: Context) -> int:
    """Run a Temporal worker for the proposal workflow against a running server."""
    return until_signalled(lambda stop: run_worker(ctx.settings, stop))


@command("projector", "cabinet projector", "cabinet projector -v")
@handler
def projector_command(ctx: Context) -> int:
    """Keep the register's views current as events are recorded (Ctrl-C stops it)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run_projector(ctx.settings, stop)
    return 0
