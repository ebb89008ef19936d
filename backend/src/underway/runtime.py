"""The embedded runtime: store, event writer, broker, dispatcher and service wired together.

``async with Runtime.open(settings) as rt`` migrates the database, settles what gone workers left
running (never a live process's work), starts the workers, and on exit stops them and settles what
they were running. ``own_submissions_only=True`` (``underway run``) makes a runtime that runs only the
operations submitted through it, which no other process will take either.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from underway.operations.lifecycle import Lifecycle
from underway.operations.observers import OperationObserver
from underway.operations.recovery import InterruptionPolicy, Recovery
from underway.operations.runner import OperationRunner
from underway.operations.service import OperationService
from underway.progress.broker import EventBroker
from underway.progress.relay import FeedRelay
from underway.queue.dispatcher import Dispatcher, LocalDispatcher
from underway.queue.lease import WorkerIdentity, WorkerLease
from underway.queue.registry import WorkerDirectory
from underway.settings import Settings
from underway.store.checkpointer import WalCheckpointer
from underway.store.engine import create_engine, create_writer_engine, sqlite_path, upgrade
from underway.store.feed.postgres import PostgresFeed, PostgresListener
from underway.store.feed.sqlite import SqliteFeed
from underway.store.operations_repo import OperationRepository
from underway.store.workers_repo import WorkerRepository
from underway.store.writer.thread import StoreWriter
from underway.triggers.repository import TriggerRepository
from underway.triggers.service import TriggerService
from underway.webhooks.wiring import Webhooks
from underway.workflows.processes import shutdown_process_pool
from underway.workflows.registry import WorkflowRegistry, default_registry, load_workflow_modules

_GIL_SWITCH_INTERVAL_S = 0.0005


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    registry: WorkflowRegistry
    broker: EventBroker
    lifecycle: Lifecycle
    dispatcher: Dispatcher
    service: OperationService
    repo: OperationRepository
    webhooks: Webhooks
    triggers: TriggerService

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        settings: Settings,
        *,
        registry: WorkflowRegistry | None = None,
        observers: Sequence[OperationObserver] = (),
        start_workers: bool = True,
        own_submissions_only: bool = False,
        role: str = "all",
        shutdown_grace_s: float = 0.0,
    ) -> AsyncIterator[Runtime]:
        """``start_workers=False`` (or ``UNDERWAY_WORKERS=0``): this process serves and submits but runs
        nothing. ``role`` is what the worker registry shows. ``shutdown_grace_s``: at exit, running
        operations may finish for this long before the restart policy settles them."""
        registry = registry or default_registry
        # Workflow steps run in threads (ctx.run_sync); a shorter GIL switch interval keeps the event
        # loop, and so every other operation's progress, responsive while such a thread computes.
        sys.setswitchinterval(_GIL_SWITCH_INTERVAL_S)
        load_workflow_modules(settings.workflow_modules)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        url = settings.resolved_database_url
        await upgrade(url)
        engine = create_engine(url)
        postgres = engine.dialect.name == "postgresql"
        feed = PostgresFeed() if postgres else SqliteFeed()
        webhooks = Webhooks.build(settings, engine)
        writer = StoreWriter(create_writer_engine(url), feed, hooks=[webhooks.outbox])
        checkpointer = WalCheckpointer(sqlite_path(url))
        repo = OperationRepository(engine, writer)
        broker = EventBroker()
        relay = FeedRelay(repo, broker)
        lifecycle = Lifecycle(repo, observers)
        runner = OperationRunner(
            registry,
            repo,
            lifecycle,
            repo,
            settings.data_dir,
            settings.artifacts_dir,
            settings.progress_interval_s,
            settings.cancel_grace_s,
        )
        policy = InterruptionPolicy(lifecycle, registry, settings.max_attempts)
        workers = WorkerRepository(engine)
        recovery = Recovery(repo, workers, policy, settings.worker_lease_s)
        runnable = [w.name for w in registry.all() if w.runs_on(settings.worker_capabilities)]
        identity = WorkerIdentity(
            role=role,
            capacity=settings.workers,
            workflows=tuple(runnable),
            capabilities=tuple(sorted(settings.worker_capabilities)),
        )
        dispatcher = LocalDispatcher(
            repo,
            lifecycle,
            runner,
            WorkerLease(workers, identity),
            recovery,
            policy,
            workers=settings.workers,
            max_running_per_user=settings.max_running_per_user,
            heartbeat_s=settings.heartbeat_s,
            workflows=runnable,
            own_submissions_only=own_submissions_only,
        )
        relay.listen(dispatcher.on_changes)
        relay.listen(webhooks.deliverer.on_changes)
        service = OperationService(
            settings,
            registry,
            repo,
            broker,
            lifecycle,
            dispatcher,
            recovery,
            WorkerDirectory(
                workers, registry, heartbeat_s=settings.heartbeat_s, lease_s=settings.worker_lease_s
            ),
            reserve_for=dispatcher.worker_id if own_submissions_only else None,
        )
        triggers = TriggerService(
            TriggerRepository(engine), webhooks.box, registry, service, settings.public_url
        )
        listener = (
            PostgresListener(
                url, feed.origin, relay.remote_changes, relay.resync, relay.find_lost, settings.heartbeat_s
            )
            if isinstance(feed, PostgresFeed)
            else None
        )
        writer.start(relay.committed)
        checkpointer.start()
        try:
            if listener is not None:
                await listener.start()
            if start_workers and settings.workers > 0:
                await dispatcher.start()
            if not own_submissions_only:  # `underway run` leaves deliveries to the servers
                await webhooks.deliverer.start()
            yield cls(
                settings, engine, registry, broker, lifecycle, dispatcher, service, repo, webhooks, triggers
            )
        finally:
            await webhooks.deliverer.stop()
            await dispatcher.stop(shutdown_grace_s)
            if listener is not None:
                await listener.stop()
            await writer.stop()
            await asyncio.to_thread(checkpointer.stop)
            await engine.dispose()
            shutdown_process_pool()

    async def ready(self) -> dict[str, bool]:
        """Readiness checks: the database answers and the dispatcher loop is alive."""
        try:
            await self.repo.ping()
            database = True
        except Exception:
            database = False
        if self.settings.workers == 0:  # an API-only process: nothing to dispatch here
            return {"database": database}
        return {"database": database, "dispatcher": self.dispatcher.is_running}
