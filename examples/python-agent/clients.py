"""The agent's vendor clients (ASR, TTS, CRM) over httpx, and what one turn recorded about them.

Every request forwards `x-callstorm-run` / `x-callstorm-call`, as the protocol asks an agent to:
the CRM simulator attributes writes to calls by them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

ASR_TIMEOUT_S = 2.0
TTS_TIMEOUT_S = 2.0
CRM_TIMEOUT_S = 1.5
CRM_ATTEMPTS = 2
MAX_RETRY_AFTER_S = 1.0


@dataclass
class TurnRecord:
    """What the agent did during one turn: the protocol's `telemetry` (docs/agent-protocol.md)."""

    started: float = field(default_factory=time.monotonic)
    dependency_calls: list[dict[str, Any]] = field(default_factory=list)
    retries: int = 0
    asr_ms: float = 0.0
    llm_started: float | None = None  # monotonic time of the turn's first LLM request
    llm_first_token_ms: float | None = None
    llm_total_ms: float = 0.0
    tools_ms: float = 0.0
    tts_first_byte_ms: float | None = None
    voice_to_voice_ms: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    tts_characters: int = 0
    writes_attempted: int = 0
    writes_landed: int = 0
    intent: str | None = None

    def call(self, dependency: str, endpoint: str, status: int | str, ms: float, attempt: int, **extra: str) -> None:
        self.dependency_calls.append(
            {"dependency": dependency, "endpoint": endpoint, "status": status, "ms": round(ms, 1), "attempt": attempt,
             **extra}
        )
        if attempt > 1:
            self.retries += 1

    def since_start_ms(self) -> float:
        return (time.monotonic() - self.started) * 1000


def _failure(error: Exception) -> str:
    return "timeout" if isinstance(error, httpx.TimeoutException) else "network-error"


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float


class AsrClient:
    def __init__(self, http: httpx.AsyncClient, url: str, api_key: str):
        self._http, self._url, self._key = http, url, api_key

    async def transcribe(self, audio: bytes, locale: str, headers: dict[str, str], rec: TurnRecord) -> Transcript | None:
        """Deepgram-style `POST /v1/listen` with the raw μ-law bytes; None when the ASR failed."""
        started = time.monotonic()
        try:
            r = await self._http.post(
                f"{self._url}/v1/listen",
                params={"model": "nova-3", "language": locale, "encoding": "mulaw", "sample_rate": "8000",
                        "punctuate": "true"},
                content=audio,
                headers={**headers, "content-type": "audio/mulaw", "authorization": f"Token {self._key}"},
                timeout=ASR_TIMEOUT_S,
            )
        except httpx.HTTPError as e:
            rec.call("asr", "asr", _failure(e), (time.monotonic() - started) * 1000, 1)
            return None
        finally:
            rec.asr_ms += (time.monotonic() - started) * 1000
        rec.call("asr", "asr", r.status_code, r.elapsed.total_seconds() * 1000, 1)
        if r.status_code != 200:
            return None
        alternative = r.json()["results"]["channels"][0]["alternatives"][0]
        return Transcript(str(alternative.get("transcript", "")).strip(), float(alternative.get("confidence", 0.0)))


@dataclass(frozen=True)
class Speech:
    audio_ms: int
    first_byte_ms: float


class TtsClient:
    def __init__(self, http: httpx.AsyncClient, url: str, api_key: str):
        self._http, self._url, self._key = http, url, api_key

    async def speak(self, text: str, headers: dict[str, str], rec: TurnRecord) -> Speech | None:
        """Deepgram-style `POST /v1/speak`, μ-law 8 kHz streamed back; None when the TTS failed."""
        started = time.monotonic()
        rec.tts_characters += len(text)
        try:
            async with self._http.stream(
                "POST",
                f"{self._url}/v1/speak",
                params={"model": "aura-2-thalia-en", "encoding": "mulaw", "sample_rate": "8000"},
                json={"text": text},
                headers={**headers, "authorization": f"Token {self._key}"},
                timeout=TTS_TIMEOUT_S,
            ) as r:
                if r.status_code != 200:
                    await r.aread()
                    rec.call("tts", "tts", r.status_code, (time.monotonic() - started) * 1000, 1)
                    return None
                first_byte: float | None = None
                size = 0
                async for chunk in r.aiter_bytes():
                    if first_byte is None and chunk:
                        first_byte = (time.monotonic() - started) * 1000
                        rec.tts_first_byte_ms = first_byte
                        if rec.voice_to_voice_ms is None:
                            rec.voice_to_voice_ms = rec.since_start_ms()
                    size += len(chunk)
                declared = r.headers.get("x-callstorm-audio-ms")
        except httpx.HTTPError as e:
            rec.call("tts", "tts", "incomplete" if isinstance(e, httpx.ReadError) else _failure(e),
                     (time.monotonic() - started) * 1000, 1)
            return None
        rec.call("tts", "tts", 200, (time.monotonic() - started) * 1000, 1)
        audio_ms = int(float(declared)) if declared else size // 8  # μ-law 8 kHz: 8 bytes a millisecond
        return Speech(audio_ms, first_byte or 0.0)


@dataclass(frozen=True)
class Operation:
    name: str
    kind: str  # read | write
    method: str
    path: str
    args: tuple[str, ...]

    @property
    def route(self) -> str:
        return f"{self.method} {self.path.split('?')[0]}"


def load_operations(doc: dict[str, Any]) -> dict[str, Operation]:
    """The CRM tools of a `callstorm tools` document."""
    return {n: Operation(n, o["kind"], o["method"], o["path"], tuple(o["args"])) for n, o in doc["operations"].items()}


class CrmClient:
    def __init__(self, http: httpx.AsyncClient, url: str):
        self._http, self._url = http, url

    async def execute(self, op: Operation, args: dict[str, str], headers: dict[str, str], rec: TurnRecord) -> dict[str, Any]:
        """One tool call against the CRM; the dict is what the LLM reads back as the tool result."""
        used: set[str] = set()
        path = op.path
        for name in op.args:
            if "{" + name + "}" in path:
                used.add(name)
                path = path.replace("{" + name + "}", quote(args.get(name, ""), safe=""))
        body = None if op.kind == "read" else {k: args[k] for k in op.args if k not in used and k in args}
        request_headers = dict(headers)
        if body is not None:
            rec.writes_attempted += 1
            identity = json.dumps([headers.get("x-callstorm-run"), headers.get("x-callstorm-call"), op.name, path, body],
                                  sort_keys=True)
            request_headers["idempotency-key"] = hashlib.sha256(identity.encode()).hexdigest()[:32]
        result: dict[str, Any] = {"error": "not attempted"}
        for attempt in range(1, CRM_ATTEMPTS + 1):
            started = time.monotonic()
            retry_after = 0.2
            try:
                r = await self._http.request(op.method, f"{self._url}{path}", json=body, headers=request_headers,
                                             timeout=CRM_TIMEOUT_S)
                rec.call("crm", "crm", r.status_code, (time.monotonic() - started) * 1000, attempt, operation=op.route)
                result = {"status": r.status_code, "body": r.json()}
                if r.status_code < 300 and body is not None:
                    rec.writes_landed += 1
                if r.status_code != 429 and r.status_code < 500:
                    return result
                retry_after = min(MAX_RETRY_AFTER_S, float(r.headers.get("retry-after", "0.2") or 0.2))
            except (httpx.HTTPError, ValueError) as e:
                rec.call("crm", "crm", _failure(e) if isinstance(e, httpx.HTTPError) else "incomplete",
                         (time.monotonic() - started) * 1000, attempt, operation=op.route)
                result = {"error": f"the CRM did not answer ({type(e).__name__})"}
            if attempt < CRM_ATTEMPTS:
                await asyncio.sleep(retry_after)
        return result
