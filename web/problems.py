"""Every failure of a request, mapped once to an ``application/problem+json`` answer.

The classification mirrors ``cli.failures`` (bad input → 422 here, exit 2
there): the register's errors say what kind of refusal they are, and this
table says which status each kind is. Nothing a client sends gets a traceback
or a 500; only a failure of the server itself does, and it is logged.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import structlog
from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from temporalio.service import RPCError

from domain import errors
from domain.validation import field_path, problem_of, validation_problem
from web.authentication import Unauthenticated
from workflows.unanswered import TemporalUnavailable

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://cabinet-register.example/problems/"


class Problem(BaseModel):
    """An error answer (RFC 9457): what kind, what went wrong, and the field at fault."""

    type: str
    """A URI naming the kind of problem (``…/problems/not-permitted``)."""
    title: str
    status: int
    detail: str
    field: str | None = None
    """The input at fault, as a dotted path (``memo.date``, ``items[0].number``, ``at``)."""


STATUS: tuple[tuple[type[Exception], int, str, str], ...] = (
    # (error class, status, type slug, title); the first match wins, so subclasses first
    (Unauthenticated, 401, "unauthenticated", "Sign-in required"),
    (errors.NotPermitted, 403, "not-permitted", "Not permitted"),
    (errors.NotFound, 404, "not-found", "Not found"),
    (errors.WrongStage, 409, "wrong-stage", "Wrong stage"),
    (errors.Conflict, 409, "conflict", "Conflict"),
    (errors.RegisterError, 422, "invalid-input", "Invalid input"),
)
"""The register's refusals by status. Another part of the app with its own refusal (rate
limits: 429) adds a row with ``add_problem`` before the app is built."""

HTTP_STATUS = {401: ("unauthenticated", "Sign-in required"),
               403: ("not-permitted", "Not permitted"),
               404: ("not-found", "Not found"),
               405: ("method-not-allowed", "Method not allowed"),
               429: ("rate-limited", "Too many attempts")}
"""Refusals raised as ``HTTPException`` (unknown routes, sign-in's 401 and 429, CSRF's 403)."""
UNAVAILABLE = (503, "temporal-unavailable", "Workflow engine unavailable")
STORE_FAILED = (503, "store-unavailable", "Register unavailable")

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": title}
    for status, title in ((401, "No credential, or not a valid one"),
                          (403, "Not permitted (the attempt is recorded)"),
                          (404, "Not found"),
                          (422, "Malformed input: the field is named"))}
"""The errors every route may answer, for the OpenAPI document."""

STEP_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    **{status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": title}
       for status, title in ((409, "Wrong stage or a conflict"),
                             (503, "The workflow engine did not answer"))}}


SIGN_IN_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    429: {"model": Problem, "content": {PROBLEM_JSON: {}},
          "description": "Too many sign-in attempts; try again later"}}


def problem_media_types(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with every error answer's schema under ``application/problem+json``
    (FastAPI files a response model under ``application/json``)."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status)[0] in "45" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return document


def add_problem(error_class: type[Exception], status: int, slug: str, title: str) -> None:
    global STATUS
    STATUS = ((error_class, status, slug, title), *STATUS)


def problem_response(status: int, slug: str, title: str, detail: str,
                     field: str | None = None, headers: dict[str, str] | None = None
                     ) -> JSONResponse:
    body = Problem(type=TYPE_BASE + slug, title=title, status=status, detail=detail,
                   field=field)
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM_JSON,
                        headers=headers)


def for_error(error: Exception) -> JSONResponse:
    """The problem answer for a refusal the register, the workflow or sign-in raised."""
    for error_class, status, slug, title in STATUS:
        if isinstance(error, error_class):
            message = getattr(error, "message", str(error))
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return problem_response(status, slug, title, message,
                                    getattr(error, "field", None), headers)
    raise error


def install(app: FastAPI) -> None:
    """Answer every failure as a problem: the register's refusals, malformed requests,
    an unreachable workflow engine or store, unknown routes."""

    async def refused(request: Request, error: Exception) -> JSONResponse:
        return for_error(error)

    async def malformed(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = list(error.errors())
        # FastAPI's location starts with where the value came from ("body", "query", …):
        # a body's fields are named by their own path, a parameter by its name.
        for problem in problems:
            loc = tuple(problem.get("loc", ()))
            problem["loc"] = loc[1:] if loc and loc[0] in ("body", "query", "path",
                                                          "header") else loc
            if not problem["loc"]:
                problem["loc"] = ("body",)
        found = problem_of(problems)
        return problem_response(422, "invalid-input", "Invalid input", found.message,
                                found.field)

    async def invalid(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ValidationError)
        found = validation_problem(error)
        return problem_response(422, "invalid-input", "Invalid input", found.message,
                                found.field)

    async def unavailable(request: Request, error: Exception) -> JSONResponse:
        status, slug, title = UNAVAILABLE
        detail = str(error)
        if isinstance(error, RPCError):
            detail = f"the Temporal server refused the request ({error.status.name}: " \
                     f"{error.message})"
        log.warning("temporal_unavailable", path=request.url.path, reason=detail)
        return problem_response(status, slug, title, detail, headers={"Retry-After": "5"})

    async def store_failed(request: Request, error: Exception) -> JSONResponse:
        log.error("store_failed", path=request.url.path, reason=str(error))
        status, slug, title = STORE_FAILED
        return problem_response(status, slug, title, "the register's store failed; try again",
                                headers={"Retry-After": "5"})

    async def http_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        slug, title = HTTP_STATUS.get(error.status_code, ("http-error", "Request refused"))
        return problem_response(error.status_code, slug, title, str(error.detail),
                                headers=dict(error.headers or {}) or None)

    async def too_deep(request: Request, error: Exception) -> JSONResponse:
        return problem_response(422, "invalid-input", "Invalid input",
                                "the input is nested too deeply to be read")

    app.add_exception_handler(Unauthenticated, refused)
    app.add_exception_handler(errors.RegisterError, refused)
    for error_class, *_ in STATUS:
        app.add_exception_handler(error_class, refused)
    app.add_exception_handler(RequestValidationError, malformed)
    app.add_exception_handler(ValidationError, invalid)
    app.add_exception_handler(TemporalUnavailable, unavailable)
    app.add_exception_handler(RPCError, unavailable)
    app.add_exception_handler(PersistenceError, store_failed)
    app.add_exception_handler(sqlite3.OperationalError, store_failed)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RecursionError, too_deep)


__all__ = ["PROBLEM_JSON", "PROBLEM_RESPONSES", "SIGN_IN_RESPONSES", "STEP_RESPONSES",
           "Problem", "add_problem", "field_path", "for_error", "install",
           "problem_media_types", "problem_response"]
