"""One turn of a call: the caller's audio → ASR → LLM with tools (CRM reads and writes, intent,
transfer, end) → TTS, and the protocol's answer with its telemetry."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai
from clients import AsrClient, CrmClient, Operation, TtsClient, TurnRecord
from wiring import LlmEndpoint

PROFILE = "python-example"
BRAND = "Callstorm Services"
MODEL = "gpt-4.1-mini"
LOW_CONFIDENCE = 0.55
MAX_LLM_ROUNDS = 4
LLM_ATTEMPTS = 2
TRANSFER_QUEUE = "contact-centre"
REPROMPT = "Sorry, I didn't quite catch that. Could you say it again, please?"
GOODBYE = "Thanks for calling. Goodbye."
TRANSFER_LINES = {
    "llm_unavailable": "I'm sorry, I can't help with that right now. I'll put you through to a colleague. Please hold.",
    "asr_unavailable": "I'm having trouble hearing you, so I'll put you through to a colleague. Please hold.",
    "asr_low_confidence": "I'm having trouble hearing you clearly, so I'll put you through to a colleague. Please hold.",
    "tts_unavailable": "Please hold while I transfer you.",
}
WORDS_PER_MINUTE = 160


def estimate_audio_ms(text: str) -> int:
    words = sum(1 for w in text.split() if any(c.isalnum() for c in w))
    return max(1, round(words * 60_000 / WORDS_PER_MINUTE))


def greeting(brand: str, consent_required: bool) -> str:
    notice = (
        " This call is recorded for training and quality, and your details are handled under our privacy notice."
        " If you would rather not continue, just say so."
        if consent_required
        else ""
    )
    return f"Thank you for calling {brand}. I'm the virtual assistant.{notice} How can I help you today?"


def system_prompt(brand: str, call: dict[str, Any]) -> str:
    return "\n".join([
        f"You are the phone assistant of {brand}. You speak {call['locale']} English, briefly and warmly: "
        "one or two short sentences a turn, no lists, no markdown.",
        "At the start of each caller request, call record_intent with what the caller wants.",
        "Identify the account from the number the caller gives; use the CRM tools to read and change it. "
        "Never invent account data.",
        "Only make a change (a write) with values the caller has said in this call; read back what you changed.",
        "If the caller asks for a person, or needs something you cannot do, call transfer_to_human with a short "
        "snake_case reason.",
        "When the caller has what they need and says goodbye, say goodbye and call end_call.",
        "The caller has heard the recording notice." if call["consentRequired"] else "",
        f"Caller: {call['from']}; region {call['region']}.",
    ]).replace("\n\n", "\n")


@dataclass
class Session:
    id: str
    run_id: str
    call: dict[str, Any]
    messages: list[dict[str, Any]]
    ended: bool = False
    ended_at: float | None = None
    last_turn: int = -1
    busy: bool = False
    reprompted: set[str] = field(default_factory=set)
    last_reply: str = ""
    last_reply_ms: int = 0

    @property
    def headers(self) -> dict[str, str]:
        """What the agent forwards to its dependencies (the protocol gives it these two)."""
        return {"x-callstorm-run": self.run_id, "x-callstorm-call": self.call["callId"]}


@dataclass
class Outcome:
    reply: str
    action: str = "continue"  # continue | transfer | end
    reason: str | None = None
    tier: str = "primary"
    reprompt: bool = False


class LlmUnavailable(Exception):
    pass


class TurnPipeline:
    def __init__(self, *, asr: AsrClient, tts: TtsClient, crm: CrmClient, llm: openai.AsyncOpenAI,
                 endpoint: LlmEndpoint, tools: list[dict[str, Any]], operations: dict[str, Operation]):
        self._asr, self._tts, self._crm, self._llm = asr, tts, crm, llm
        self._endpoint, self._tools, self._operations = endpoint, tools, operations

    async def run(self, session: Session, turn: dict[str, Any]) -> dict[str, Any]:
        rec = TurnRecord()
        utterance = turn["utterance"]
        heard = await self._asr.transcribe(base64.b64decode(utterance["audio"]), session.call["locale"],
                                           session.headers, rec)
        if heard is None or heard.text == "" or heard.confidence < LOW_CONFIDENCE:
            reason = "asr_unavailable" if heard is None else "asr_low_confidence"
            if utterance["id"] in session.reprompted:
                outcome = Outcome(TRANSFER_LINES[reason], "transfer", reason, "human")
            else:
                session.reprompted.add(utterance["id"])
                outcome = Outcome(REPROMPT, reprompt=True)
        else:
            session.messages.append({"role": "user", "content": heard.text})
            try:
                outcome = await self._converse(session, rec)
            except LlmUnavailable:
                outcome = Outcome(TRANSFER_LINES["llm_unavailable"], "transfer", "llm_unavailable", "human")
            session.messages.append({"role": "assistant", "content": outcome.reply})

        speech = await self._tts.speak(outcome.reply, session.headers, rec)
        if speech is None:
            outcome = Outcome(TRANSFER_LINES["tts_unavailable"], "transfer", "tts_unavailable", "human")
        audio_ms = speech.audio_ms if speech else estimate_audio_ms(outcome.reply)
        telemetry: dict[str, Any] = {
            "profile": PROFILE,
            "transcript": heard.text if heard else None,
            "asrConfidence": heard.confidence if heard else None,
            "intent": rec.intent,
            "fallbackTier": outcome.tier,
            "reprompt": outcome.reprompt,
            "latencyMs": {
                "asr": round(rec.asr_ms, 1),
                "llmFirstToken": None if rec.llm_first_token_ms is None else round(rec.llm_first_token_ms, 1),
                "llmTotal": round(rec.llm_total_ms, 1),
                "tools": round(rec.tools_ms, 1),
                "ttsFirstByte": None if speech is None else round(speech.first_byte_ms, 1),
                "voiceToVoice": None if rec.voice_to_voice_ms is None else round(rec.voice_to_voice_ms, 1),
                "total": round(rec.since_start_ms(), 1),
            },
            "retries": rec.retries,
            "dependencyCalls": rec.dependency_calls,
            "llm": {"tokensIn": rec.tokens_in, "tokensOut": rec.tokens_out},
            "tts": {"characters": rec.tts_characters},
            "writes": {"attempted": rec.writes_attempted, "landed": rec.writes_landed, "deadLettered": 0},
        }
        if "bargeIn" in turn and session.last_reply_ms > 0:
            heard_share = min(1.0, turn["bargeIn"]["atMs"] / session.last_reply_ms)
            telemetry["bargeIn"] = {"atMs": turn["bargeIn"]["atMs"], "previousReplyMs": session.last_reply_ms,
                                    "heardChars": int(len(session.last_reply) * heard_share)}
        session.last_reply, session.last_reply_ms = outcome.reply, audio_ms
        response: dict[str, Any] = {"reply": {"text": outcome.reply, "audioMs": audio_ms}, "action": outcome.action,
                                    "telemetry": telemetry}
        if outcome.action == "transfer":
            response["transfer"] = {"queue": TRANSFER_QUEUE, "reason": outcome.reason or "unspecified"}
        return response

    async def _converse(self, session: Session, rec: TurnRecord) -> Outcome:
        """LLM rounds until the model answers in words; tool calls in between are executed."""
        content = ""
        for _ in range(MAX_LLM_ROUNDS):
            content, calls = await self._round(session, rec)
            if not calls:
                return Outcome(content or "Is there anything else I can help with?")
            session.messages.append({"role": "assistant", "content": content or None, "tool_calls": [
                {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
                for c in calls
            ]})
            terminal: Outcome | None = None
            for c in calls:
                result, outcome = await self._tool(session, rec, c["name"], c["arguments"])
                session.messages.append({"role": "tool", "tool_call_id": c["id"], "content": json.dumps(result)})
                terminal = terminal or outcome
            if terminal:
                terminal.reply = content or terminal.reply
                return terminal
        return Outcome(content or "Is there anything else I can help with?")

    async def _tool(self, session: Session, rec: TurnRecord, name: str, raw: str) -> tuple[Any, Outcome | None]:
        try:
            parsed = json.loads(raw) if raw.strip() else {}
            args = {k: str(v) for k, v in parsed.items() if v is not None} if isinstance(parsed, dict) else {}
        except ValueError:
            return {"error": "arguments are not valid JSON"}, None
        if name == "record_intent":
            rec.intent = args.get("intent") or rec.intent
            return {"recorded": rec.intent}, None
        if name == "transfer_to_human":
            reason = args.get("reason") or "unspecified"
            return {"status": "transferring"}, Outcome("I'll put you through to a colleague now. Please hold.",
                                                       "transfer", reason)
        if name == "end_call":
            return {"status": "ending"}, Outcome(GOODBYE, "end")
        op = self._operations.get(name)
        if op is None:
            return {"error": f"no tool {name}"}, None
        started = time.monotonic()
        try:
            return await self._crm.execute(op, args, session.headers, rec), None
        finally:
            rec.tools_ms += (time.monotonic() - started) * 1000

    async def _round(self, session: Session, rec: TurnRecord) -> tuple[str, list[dict[str, str]]]:
        """One streamed chat completion with tools; retried once on a 429, 5xx, timeout or network error."""
        messages = [{"role": "system", "content": system_prompt(BRAND, session.call)}, *session.messages]
        for attempt in range(1, LLM_ATTEMPTS + 1):
            started = time.monotonic()
            rec.llm_started = rec.llm_started or started
            status: int | str = 200
            region = self._endpoint.region
            try:
                raw = await self._llm.chat.completions.with_raw_response.create(
                    model=MODEL, messages=messages, tools=self._tools, stream=True,  # type: ignore[arg-type]
                    stream_options={"include_usage": True}, extra_headers=session.headers,
                )
                region = raw.headers.get("x-callstorm-region") or region
                content, calls = "", {}
                async for chunk in raw.parse():
                    if chunk.usage:
                        rec.tokens_in += chunk.usage.prompt_tokens
                        rec.tokens_out += chunk.usage.completion_tokens
                    if not chunk.choices:
                        continue
                    delta = chunk.choices[0].delta
                    if rec.llm_first_token_ms is None and (delta.content or delta.tool_calls):
                        rec.llm_first_token_ms = (time.monotonic() - (rec.llm_started or started)) * 1000
                    content += delta.content or ""
                    for tc in delta.tool_calls or []:
                        slot = calls.setdefault(tc.index, {"id": "", "name": "", "arguments": ""})
                        slot["id"] = tc.id or slot["id"]
                        if tc.function:
                            slot["name"] += tc.function.name or ""
                            slot["arguments"] += tc.function.arguments or ""
                return content, [calls[i] for i in sorted(calls)]
            except openai.APIStatusError as e:
                status = e.status_code
                if status != 429 and status < 500:
                    raise LlmUnavailable from e
            except (openai.APITimeoutError, httpx.TimeoutException):
                status = "timeout"
            except (openai.APIConnectionError, httpx.HTTPError):
                status = "network-error"
            finally:
                ms = (time.monotonic() - started) * 1000
                rec.llm_total_ms += ms
                rec.call("llm", self._endpoint.name, status, ms, attempt, operation="POST /v1/chat/completions",
                         **({"region": region} if region else {}))
        raise LlmUnavailable
