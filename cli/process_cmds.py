"""``cabinet server``, ``cabinet worker``, ``cabinet projector``: the long-running processes."""

from __future__ import annotations

import argparse
import asyncio
import signal
import threading

from cli.context import Context
from workers.processes import run_projector, run_worker, serve


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("server", parents=[common],
                       help="run the embedded system: Temporal dev server, worker, projector")
    p.add_argument("--port", type=int, help="Temporal gRPC port (default 7233)")
    p.add_argument("--ui-port", type=int, help="Temporal Web UI port (default 8233)")
    p.set_defaults(handler=server)
    p = sub.add_parser("worker", parents=[common], help="run a Temporal worker")
    p.set_defaults(handler=worker)
    p = sub.add_parser("projector", parents=[common], help="keep the register's views current")
    p.set_defaults(handler=projector)


def _until_signalled(main: object) -> int:
    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)  # type: ignore[operator]
    asyncio.run(runner())
    return 0


def server(ctx: Context, args: argparse.Namespace) -> int:
    settings = ctx.settings
    if args.port or args.ui_port:
        settings = settings.__class__(**{**settings.__dict__,
                                         "temporal_port": args.port or settings.temporal_port,
                                         "temporal_ui_port": args.ui_port
                                         or settings.temporal_ui_port})

    def announce(line: str) -> None:
        print(line, flush=True)

    code = _until_signalled(lambda stop: serve(settings, stop, announce))
    print("stopped", flush=True)
    return code


def worker(ctx: Context, args: argparse.Namespace) -> int:
    return _until_signalled(lambda stop: run_worker(ctx.settings, stop))


def projector(ctx: Context, args: argparse.Namespace) -> int:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run_projector(ctx.settings, stop)
    return 0
