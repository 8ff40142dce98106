"""The long-running processes: the worker, the projector, and the embedded server."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import structlog
from eventsourcing.projection import ProjectionRunner

from domain.register.application import Register
from projections.projection import RegisterProjection
from projections.runner import CatchUp
from workers.bootstrap import open_register
from workers.dev_server import DevServer
from workers.settings import Settings
from workers.storage.postgres import PostgresRegisterView
from workers.temporal import TemporalUnavailable, build_worker, connect
from workers.temporal import address as temporal_address

log = structlog.get_logger(__name__)


def run_projector(settings: Settings, stop: threading.Event) -> None:
    """Keep the views current until ``stop`` is set."""
    if settings.store == "postgres":
        # The first catch-up checks the views against the log (rebuilds a read model
        # that is new or changed, repairs a position out of step with the log), which
        # the library's runner does not; then PostgreSQL's notifications drive it.
        system = open_register(settings)
        try:
            system.catch_up()
        finally:
            system.close()
        with ProjectionRunner(application_class=Register, projection_class=RegisterProjection,
                              view_class=PostgresRegisterView,
                              env=settings.register_env()) as runner:
            log.info("projector_started", store="postgres")
            while not stop.is_set() and not runner.is_interrupted.is_set():
                runner.run_forever(timeout=0.5)
        return
    system = open_register(settings)
    try:
        log.info("projector_started", store="sqlite")
        CatchUp(system.register, system.view).run_forever(stop)
    finally:
        system.close()


async def run_worker(settings: Settings, stop: asyncio.Event, *, address: str | None = None,
                     ready: Callable[[], None] | None = None) -> None:
    client = await connect(settings, address)
    system = open_register(settings)
    try:
        worker = build_worker(client, system.register, settings.task_queue)
        async with worker:
            log.info("worker_started", task_queue=settings.task_queue,
                     address=address or temporal_address(settings))
            if ready is not None:
                ready()
            await stop.wait()
    finally:
        system.close()


async def _stop_if_server_exits(server: DevServer, stop: asyncio.Event,
                                announce: Callable[[str], None]) -> bool:
    """Stop everything if the dev server dies under us; True if it did."""
    code = await server.wait_exit()
    if stop.is_set():
        return False
    log.error("temporal_dev_server_exited", code=code, log_file=str(server.log_file))
    announce(f"The Temporal dev server exited (code {code}); see {server.log_file}. Stopping.")
    stop.set()
    return True


async def serve(settings: Settings, stop: asyncio.Event,
                announce: Callable[[str], None]) -> None:
    """The embedded system: dev server (unless one is configured), worker, projector."""
    server: DevServer | None = None
    address = settings.temporal_address
    if address is None:
        server = DevServer(db_file=settings.temporal_db_path, port=settings.temporal_port,
                           ui_port=settings.temporal_ui_port,
                           namespace=settings.temporal_namespace,
                           log_file=settings.data_dir / "temporal.log",
                           pid_file=settings.data_dir / "temporal.pid")
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        server.start()
        if server.stopped_left_over is not None:
            announce(f"Found and stopped the Temporal dev server left running (pid "
                     f"{server.stopped_left_over}) by an earlier server on this data folder.")
        try:
            await server.wait_ready()
        except BaseException:
            server.stop()  # one that never answered must not stay behind holding the port
            raise
        address = server.address
    open_register(settings).close()  # the tables exist before the worker and projector open them
    projector_stop = threading.Event()
    projector_failed: list[Exception] = []
    loop = asyncio.get_running_loop()

    def project() -> None:
        # Staff must not go on with views that silently stopped following the events.
        try:
            run_projector(settings, projector_stop)
        except Exception as error:
            log.exception("projector_failed")
            projector_failed.append(error)
            loop.call_soon_threadsafe(stop.set)

    projector = threading.Thread(target=project, name="projector", daemon=True)
    projector.start()

    def ready() -> None:
        # Only once the worker polls: from here on staff can use the system.
        announce(f"Temporal server: {address} (namespace {settings.temporal_namespace})")
        if server is not None and server.ui_url:
            announce(f"Temporal Web UI: {server.ui_url}")
        announce(f"Register: {settings.sqlite_path if settings.store == 'sqlite' else 'postgres'}"
                 f"; task queue {settings.task_queue}. Press Ctrl-C to stop.")

    try:
        watch = (asyncio.create_task(_stop_if_server_exits(server, stop, announce))
                 if server is not None else None)
        await run_worker(settings, stop, address=address, ready=ready)
        if projector_failed:
            raise projector_failed[0]
        if watch is not None:
            if watch.done() and watch.result():
                raise TemporalUnavailable("the embedded Temporal dev server exited; see "
                                          f"{settings.data_dir / 'temporal.log'}")
            watch.cancel()
    finally:
        projector_stop.set()
        projector.join(timeout=10)
        if server is not None:
            server.stop()
