"""The bot's tools: read from `callstorm tools` output, and executed against the CRM's REST API.

A careful bot: every CRM write carries an `Idempotency-Key` derived from the call and the write
(a retry of the same write is the same key), reads and keyed writes are retried once on a network
error, 429 or 5xx, and `find_account_by_phone` falls back to the caller's own number. No
`x-callstorm-*` header is ever sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from loguru import logger
from pipecat.adapters.llm.schemas.function_schema import FunctionSchema
from pipecat.adapters.llm.schemas.tools_schema import ToolsSchema

CRM_TIMEOUT_S = 3.0
CRM_ATTEMPTS = 2
RETRY_DELAY_S = 0.25


@dataclass(frozen=True)
class Operation:
    name: str
    kind: str  # read | write
    method: str  # GET | POST
    path: str  # template: {arg} filled from the arguments
    args: tuple[str, ...]


@dataclass(frozen=True)
class Tools:
    schema: ToolsSchema
    operations: dict[str, Operation]


def load_tools(path: str) -> Tools:
    """Reads a `callstorm tools` document (schema callstorm.agent-tools/v1)."""
    with open(path, encoding="utf-8") as f:
        doc: dict[str, Any] = json.load(f)
    if doc.get("schema") != "callstorm.agent-tools/v1":
        raise SystemExit(f"{path} is not a `callstorm tools` document (schema {doc.get('schema')!r})")
    functions = []
    for tool in doc["tools"]:
        fn = tool["function"]
        params = fn.get("parameters") or {}
        functions.append(
            FunctionSchema(
                name=fn["name"],
                description=fn.get("description", ""),
                properties=params.get("properties", {}),
                required=list(params.get("required", [])),
            )
        )
    operations = {
        name: Operation(name, op["kind"], op["method"], op["path"], tuple(op["args"]))
        for name, op in doc["operations"].items()
    }
    return Tools(ToolsSchema(standard_tools=functions), operations)


def idempotency_key(call_sid: str, op: Operation, path: str, body: dict[str, str]) -> str:
    canonical = json.dumps([call_sid, op.name, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class CrmClient:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, *, call_sid: str, caller: str | None):
        self._session = session
        self._base = base_url.rstrip("/")
        self._call_sid = call_sid
        self._caller = caller

    def request(self, op: Operation, arguments: dict[str, Any]) -> tuple[str, dict[str, str] | None]:
        """The path (template filled) and, for a write, the JSON body of the remaining arguments."""
        args = {k: str(v) for k, v in arguments.items() if v is not None}
        if op.name == "find_account_by_phone" and not args.get("phone") and self._caller:
            args["phone"] = self._caller
        used: set[str] = set()

        def fill(name: str) -> str:
            used.add(name)
            return quote(args.get(name, ""), safe="")

        path = op.path
        for name in op.args:
            if "{" + name + "}" in path:
                path = path.replace("{" + name + "}", fill(name))
        if op.kind == "read":
            return path, None
        return path, {k: args[k] for k in op.args if k not in used and k in args}

    async def call(self, op: Operation, arguments: dict[str, Any]) -> dict[str, Any]:
        """Runs one tool call; the result the LLM sees is {status, body} (or {error})."""
        path, body = self.request(op, arguments)
        headers = {"accept": "application/json"}
        if body is not None:
            headers["idempotency-key"] = idempotency_key(self._call_sid, op, path, body)
        last: dict[str, Any] = {"error": "not attempted"}
        for attempt in range(1, CRM_ATTEMPTS + 1):
            try:
                async with self._session.request(
                    op.method,
                    f"{self._base}{path}",
                    json=body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=CRM_TIMEOUT_S),
                ) as r:
                    payload: Any = await r.json(content_type=None)
                    last = {"status": r.status, "body": payload}
                    if r.status != 429 and r.status < 500:
                        return last
            except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError) as e:
                last = {"error": f"{type(e).__name__}: {e}"}
            logger.warning(f"CRM {op.method} {path} attempt {attempt}: {last}")
            if attempt < CRM_ATTEMPTS:
                await asyncio.sleep(RETRY_DELAY_S)
        return last
