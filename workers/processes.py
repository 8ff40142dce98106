"""The long-running processes: the worker, the projector, and the embedded server."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

import structlog
from eventsourcing.projection import ProjectionRunner
from temporalio.client import Client

from domain.register.application import Register
from projections.projection import RegisterProjection
from projections.runner import CatchUp
from web.services import check_can_serve, serving
from workers.bootstrap import RegisterSystem, open_register
from workers.dev_server import DevServer
from workers.http import run_http
from workers.settings import Settings
from workers.storage.postgres import PostgresRegisterView
from workers.temporal import TemporalUnavailable, build_worker, connect
from workers.temporal import address as temporal_address
from workflows.desk import ProposalDesk

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
                     ready: Callable[[], None] | None = None, client: Client | None = None,
                     system: RegisterSystem | None = None) -> None:
    """Run the worker until ``stop``; with ``client`` and ``system``, on the caller's own
    (the embedded server shares them with its HTTP app), which the caller closes."""
    client = client or await connect(settings, address)
    own = system is None
    system = system or open_register(settings)
    try:
        worker = build_worker(client, system.register, settings.task_queue)
        async with worker:
            log.info("worker_started", task_queue=settings.task_queue,
                     address=address or temporal_address(settings))
            if ready is not None:
                ready()
            await stop.wait()
    finally:
        if own:
            system.close()


async def run_web(settings: Settings, stop: asyncio.Event,
                  announce: Callable[[str], None]) -> None:
    """The HTTP app alone (production: the worker and projector run as their own services);
    its steps reach Temporal through a client made on the first step."""
    check_can_serve(settings)
    system = open_register(settings)
    try:
        await run_http(serving(system), stop,
                       ready=lambda url: announce(f"HTTP API: {url}/api (OpenAPI at "
                                                  f"{url}/api/openapi.json)"))
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
    """The embedded system: dev server (unless one is configured), worker, projector, and
    the HTTP app (on ``settings.web``: loopback unless told otherwise)."""
    check_can_serve(settings)
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
    try:
        await _serve_on(settings, address, server, stop, announce)
    finally:
        if server is not None:
            server.stop()


async def _serve_on(settings: Settings, address: str, server: DevServer | None,
                    stop: asyncio.Event, announce: Callable[[str], None]) -> None:
    """The worker, the projector and the HTTP app, on a running Temporal server."""
    # One register and one Temporal client for the worker and the HTTP app; the register's
    # tables exist before the projector opens them.
    system = open_register(settings)
    projector_stop = threading.Event()
    projector_failed: list[Exception] = []
    projector: threading.Thread | None = None
    http: asyncio.Task[None] | None = None
    loop = asyncio.get_running_loop()

    def project() -> None:
        # Staff must not go on with views that silently stopped following the events.
        try:
            run_projector(settings, projector_stop)
        except Exception as error:
            log.exception("projector_failed")
            projector_failed.append(error)
            loop.call_soon_threadsafe(stop.set)

    api_address: list[str] = []
    listening = asyncio.Event()

    def http_ready(url: str) -> None:
        api_address.append(url)
        listening.set()

    def ready() -> None:
        # Only once the worker polls: from here on staff can use the system.
        announce(f"Temporal server: {address} (namespace {settings.temporal_namespace})")
        if server is not None and server.ui_url:
            announce(f"Temporal Web UI: {server.ui_url}")
        url = api_address[0]
        announce(f"HTTP API: {url}/api (OpenAPI: {url}/api/openapi.json)")
        announce(f"Register: {settings.sqlite_path if settings.store == 'sqlite' else 'postgres'}"
                 f"; task queue {settings.task_queue}. Press Ctrl-C to stop.")

    try:
        client = await connect(settings, address)
        projector = threading.Thread(target=project, name="projector", daemon=True)
        projector.start()
        desk = ProposalDesk(client, system.register, settings.task_queue)
        http = asyncio.create_task(run_http(serving(system, desk), stop, ready=http_ready))
        watch = (asyncio.create_task(_stop_if_server_exits(server, stop, announce))
                 if server is not None else None)
        await _until_listening(http, listening)
        await run_worker(settings, stop, address=address, ready=ready, client=client,
                         system=system)
        await http
        if projector_failed:
            raise projector_failed[0]
        if watch is not None:
            if watch.done() and watch.result():
                raise TemporalUnavailable("the embedded Temporal dev server exited; see "
                                          f"{settings.data_dir / 'temporal.log'}")
            watch.cancel()
    finally:
        stop.set()
        if http is not None:
            with contextlib.suppress(Exception):
                await http
        projector_stop.set()
        if projector is not None:
            projector.join(timeout=10)
        system.close()


async def _until_listening(http: asyncio.Task[None], listening: asyncio.Event) -> None:
    """Wait for the HTTP app to listen; its failure to (a port in use) stops the server."""
    waiting = asyncio.create_task(listening.wait())
    await asyncio.wait({http, waiting}, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if http.done():
        http.result()
