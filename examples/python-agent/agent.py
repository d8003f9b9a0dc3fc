"""An agent in Python that speaks the callstorm HTTP agent protocol v1 (docs/agent-protocol.md).

POST /v1/calls → greeting; POST /v1/calls/{id}/turns → ASR → LLM with tools → TTS; DELETE
/v1/calls/{id}. Wiring from the environment only (wiring.py). Listens on 127.0.0.1:$PORT.

Run: PORT=8080 CALLSTORM_WIRING=wiring.json .venv-example/bin/python examples/python-agent/agent.py
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import httpx
import openai
from aiohttp import web
from clients import AsrClient, CrmClient, TtsClient, load_operations
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from turn import BRAND, Session, TurnPipeline, estimate_audio_ms, greeting
from wiring import WiringError, load_wiring

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_HEADER, CALL_HEADER, PROTOCOL_HEADER = "x-callstorm-run", "x-callstorm-call", "x-callstorm-protocol"
ENDED_SESSIONS_KEPT_S = 60.0
STATUS = {
    "bad_request": 400, "missing_header": 400, "call_mismatch": 400, "session_not_found": 404,
    "route_not_found": 404, "session_ended": 409, "turn_in_progress": 409, "turn_out_of_order": 409,
    "agent_failed": 500, "dependency_failed": 502, "shutting_down": 503, "dependency_timeout": 504,
}


class CreateCall(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    callId: str = Field(min_length=1, max_length=200)
    from_: str = Field(alias="from", min_length=3, max_length=32)
    to: str = Field(min_length=3, max_length=32)
    locale: str = Field(min_length=2, max_length=35)
    region: str = Field(min_length=2, max_length=16)
    consentRequired: bool


class Utterance(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: str = Field(min_length=1, max_length=200)
    audio: str = Field(min_length=4, pattern=r"^[A-Za-z0-9+/]+={0,2}$")
    speechMs: int = Field(ge=0)


class BargeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    atMs: int = Field(ge=0)


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    turn: int = Field(ge=0)
    utterance: Utterance
    bargeIn: BargeIn | None = None


def error(code: str, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, **extra}}, status=STATUS[code])


def issues(e: ValidationError) -> list[dict[str, str]]:
    return [{"path": ".".join(str(p) for p in i["loc"]).replace("from_", "from") or "(body)", "message": i["msg"]}
            for i in e.errors()]


async def body_of(request: web.Request) -> Any:
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise web.HTTPBadRequest(text=str(e)) from e


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app() -> web.Application:
    wiring = load_wiring()
    with open(os.path.join(HERE, "tools.json"), encoding="utf-8") as f:
        tools_doc = json.load(f)
    http = httpx.AsyncClient(limits=httpx.Limits(max_connections=512, max_keepalive_connections=128))
    llm = openai.AsyncOpenAI(base_url=f"{wiring.llm.url}/v1", api_key=wiring.openai_api_key, max_retries=0,
                             timeout=httpx.Timeout(4.0, connect=1.0), http_client=http)
    pipeline = TurnPipeline(
        asr=AsrClient(http, wiring.asr_url, wiring.deepgram_api_key),
        tts=TtsClient(http, wiring.tts_url, wiring.deepgram_api_key),
        crm=CrmClient(http, wiring.crm_url),
        llm=llm, endpoint=wiring.llm, tools=tools_doc["tools"], operations=load_operations(tools_doc),
    )
    sessions: dict[str, Session] = {}

    @web.middleware
    async def protocol(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/v1/"):
            for name in (RUN_HEADER, CALL_HEADER):
                if not request.headers.get(name, "").strip():
                    response: web.StreamResponse = error("missing_header", f"every request must carry the {name} header")
                    break
            else:
                try:
                    response = await handler(request)
                except web.HTTPNotFound:
                    response = error("route_not_found", f"no route {request.method} {request.path}")
                except web.HTTPMethodNotAllowed:
                    response = error("route_not_found", f"no route {request.method} {request.path}")
                except web.HTTPBadRequest as e:
                    response = error("bad_request", f"the request body is not JSON: {e.text}")
                except Exception as e:  # the protocol's 500, never a stack trace to the driver
                    print(f"agent_failed: {type(e).__name__}: {e}", file=sys.stderr)
                    response = error("agent_failed", "the agent failed unexpectedly")
        else:
            try:
                response = await handler(request)
            except web.HTTPNotFound:
                response = error("route_not_found", f"no route {request.method} {request.path}")
        response.headers[PROTOCOL_HEADER] = "1"
        return response

    def forget_ended() -> None:
        now = time.monotonic()
        for sid in [s.id for s in sessions.values() if s.ended_at and now - s.ended_at > ENDED_SESSIONS_KEPT_S]:
            del sessions[sid]

    async def create_call(request: web.Request) -> web.Response:
        try:
            call = CreateCall.model_validate(await body_of(request))
        except ValidationError as e:
            return error("bad_request", "invalid call", issues=issues(e))
        if request.headers[CALL_HEADER] != call.callId:
            return error("call_mismatch", f"{CALL_HEADER} must equal the body's callId ({call.callId})")
        forget_ended()
        session = Session(id=f"py_{secrets.token_hex(8)}", run_id=request.headers[RUN_HEADER],
                          call=call.model_dump(by_alias=True), messages=[])
        sessions[session.id] = session
        text = greeting(BRAND, call.consentRequired)
        session.messages.append({"role": "assistant", "content": text})
        return web.json_response({"sessionId": session.id, "greeting": text, "greetingAudioMs": estimate_audio_ms(text)},
                                 status=201)

    def session_of(request: web.Request) -> Session | web.Response:
        session = sessions.get(request.match_info["session"])
        if session is None:
            return error("session_not_found", "no such session (or it expired)")
        if request.headers[CALL_HEADER] != session.call["callId"]:
            return error("call_mismatch", f"{CALL_HEADER} must equal the session's callId ({session.call['callId']})")
        return session

    async def take_turn(request: web.Request) -> web.Response:
        session = session_of(request)
        if isinstance(session, web.Response):
            return session
        try:
            turn = Turn.model_validate(await body_of(request))
        except ValidationError as e:
            return error("bad_request", "invalid turn", issues=issues(e))
        if session.ended:
            return error("session_ended", "the call has ended")
        if session.busy:
            return error("turn_in_progress", "the previous turn of this call has not been answered yet")
        if turn.turn <= session.last_turn:
            return error("turn_out_of_order", f"turn {turn.turn} is not after turn {session.last_turn}")
        session.busy, session.last_turn = True, turn.turn
        try:
            answer = await pipeline.run(session, turn.model_dump(exclude_none=True))
        finally:
            session.busy = False
        if answer["action"] != "continue":
            session.ended, session.ended_at = True, time.monotonic()
        return web.json_response(answer)

    async def end_call(request: web.Request) -> web.Response:
        session = session_of(request)
        if isinstance(session, web.Response):
            return session
        session.ended = True
        session.ended_at = session.ended_at or time.monotonic()
        return web.Response(status=204)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "profile": "python-example", "protocol": 1,
                                  "sessions": sum(1 for s in sessions.values() if not s.ended)})

    async def close_clients(_app: web.Application) -> None:
        await http.aclose()

    app = web.Application(middlewares=[protocol], client_max_size=16 * 1024 * 1024)
    app.router.add_post("/v1/calls", create_call)
    app.router.add_post("/v1/calls/{session}/turns", take_turn)
    app.router.add_delete("/v1/calls/{session}", end_call)
    app.router.add_get("/health", health)
    app.on_cleanup.append(close_clients)
    return app


def main() -> None:
    try:
        app = build_app()
        port = load_wiring().port
    except WiringError as e:
        print(f"python-agent: {e}", file=sys.stderr)
        raise SystemExit(2) from e
    web.run_app(app, host="127.0.0.1", port=port, print=lambda *_: print(f"python-agent listening on 127.0.0.1:{port}", flush=True),
                handle_signals=True)


if __name__ == "__main__":
    main()
