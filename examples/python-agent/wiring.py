"""Where the agent's dependencies are: read from the environment only.

`CALLSTORM_WIRING` names a JSON file shaped like the line `callstorm simulators` prints
(`{seed, vertical, stage, window, simulators: {name: {kind, url, controlUrl, region?}}}`); the
single variables override it: `CALLSTORM_ASR_URL`, `CALLSTORM_TTS_URL`, `CALLSTORM_CRM_URL`,
`CALLSTORM_LLM_URL` (the primary endpoint), `CALLSTORM_LLM_<NAME>_URL` / `_REGION` (upper case,
`-` → `_`), `OPENAI_BASE_URL` (the primary's `/v1`), `OPENAI_API_KEY`, `DEEPGRAM_API_KEY`, `PORT`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class LlmEndpoint:
    name: str
    url: str  # root, without /v1
    region: str | None


@dataclass(frozen=True)
class Wiring:
    port: int
    asr_url: str
    tts_url: str
    crm_url: str
    llm: LlmEndpoint  # the primary endpoint: the only one this small agent uses
    llm_endpoints: tuple[LlmEndpoint, ...]
    openai_api_key: str
    deepgram_api_key: str


class WiringError(Exception):
    """A variable is missing or malformed; the message names it."""


def _strip_v1(url: str) -> str:
    url = url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _env_name(endpoint: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", endpoint.upper())


def load_wiring(env: Mapping[str, str] = os.environ) -> Wiring:
    simulators: dict[str, dict[str, str]] = {}
    path = env.get("CALLSTORM_WIRING")
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                simulators = json.load(f)["simulators"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise WiringError(f"CALLSTORM_WIRING={path}: cannot read the wiring file ({e})") from e

    def url_of(kind: str, variable: str) -> str:
        value = env.get(variable) or next((s["url"] for s in simulators.values() if s.get("kind") == kind), None)
        if not value:
            raise WiringError(f"{variable} is not set and CALLSTORM_WIRING names no {kind} endpoint")
        return value.rstrip("/")

    endpoints: dict[str, LlmEndpoint] = {
        name: LlmEndpoint(name, s["url"].rstrip("/"), s.get("region"))
        for name, s in simulators.items()
        if s.get("kind") == "llm"
    }
    for key, value in env.items():
        m = re.fullmatch(r"CALLSTORM_LLM_(.+)_URL", key)
        if m and value:
            name = next((n for n in endpoints if _env_name(n) == m.group(1)), m.group(1).lower().replace("_", "-"))
            endpoints[name] = LlmEndpoint(name, value.rstrip("/"), env.get(f"CALLSTORM_LLM_{m.group(1)}_REGION"))

    primary_url = env.get("CALLSTORM_LLM_URL") or (_strip_v1(env["OPENAI_BASE_URL"]) if env.get("OPENAI_BASE_URL") else None)
    ordered = list(endpoints.values())
    if primary_url:
        primary_url = primary_url.rstrip("/")
        primary = next((e for e in ordered if e.url == primary_url), LlmEndpoint("llm", primary_url, None))
    elif ordered:
        primary = ordered[0]
    else:
        raise WiringError("no LLM endpoint: set CALLSTORM_LLM_URL, OPENAI_BASE_URL or CALLSTORM_WIRING")

    port_text = env.get("PORT", "")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise WiringError(f"PORT must be a TCP port number, got {port_text!r}")
    return Wiring(
        port=int(port_text),
        asr_url=url_of("asr", "CALLSTORM_ASR_URL"),
        tts_url=url_of("tts", "CALLSTORM_TTS_URL"),
        crm_url=url_of("crm", "CALLSTORM_CRM_URL"),
        llm=primary,
        llm_endpoints=tuple(ordered),
        openai_api_key=env.get("OPENAI_API_KEY", "callstorm-local"),
        deepgram_api_key=env.get("DEEPGRAM_API_KEY", "callstorm-local"),
    )
