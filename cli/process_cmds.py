"""``cabinet server``, ``cabinet worker``, ``cabinet projector``: the long-running processes."""

from __future__ import annotations

import asyncio
import signal
import threading

import click

from cli.context import Context
from cli.options import command
from cli.session import handler
from workers.processes import run_projector, run_worker, serve


def _until_signalled(main: object) -> int:
    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)  # type: ignore[operator]
    asyncio.run(runner())
    return 0


@command("server", "cabinet server", "cabinet server --port 7300 --ui-port 8300")
@click.option("--port", type=int, metavar="PORT", help="Temporal gRPC port (default 7233)")
@click.option("--ui-port", type=int, metavar="PORT", help="Temporal Web UI port (default 8233)")
@handler
def server_command(ctx: Context, port: int | None, ui_port: int | None) -> int:
    """Run the embedded system: Temporal dev server, worker, projector (Ctrl-C stops it)."""
    settings = ctx.settings
    if port or ui_port:
        settings = settings.__class__(**{**settings.__dict__,
                                         "temporal_port": port or settings.temporal_port,
                                         "temporal_ui_port": ui_port
                                         or settings.temporal_ui_port})

    def announce(line: str) -> None:
        print(line, flush=True)

    code = _until_signalled(lambda stop: serve(settings, stop, announce))
    print("stopped", flush=True)
    return code


@command("worker", "cabinet worker", "CABINET_TEMPORAL_ADDRESS=temporal:7233 cabinet worker")
@handler
def worker_command(ctx: Context) -> int:
    """Run a Temporal worker for the proposal workflow against a running server."""
    return _until_signalled(lambda stop: run_worker(ctx.settings, stop))


@command("projector", "cabinet projector", "cabinet projector -v")
@handler
def projector_command(ctx: Context) -> int:
    """Keep the register's views current as events are recorded (Ctrl-C stops it)."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run_projector(ctx.settings, stop)
    return 0
