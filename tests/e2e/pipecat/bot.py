"""A Pipecat 1.14 phone bot for callstorm's end-to-end tests.

Shaped like Pipecat's own Twilio example (pipecat-examples `twilio-chatbot/inbound/bot.py`): the
Pipecat development runner serves the FastAPI WebSocket `/ws` that Twilio's `<Connect><Stream>`
dials; per call, `TwilioFrameSerializer` → `DeepgramSTTService` → LLM context aggregator with Silero
VAD (and the default Smart Turn v3 stop strategy) → `OpenAILLMService` with tools → a Deepgram TTS
service → back out. What differs from the stock example, and why:
  * every vendor base URL comes from the environment (the point of the fixture);
  * the transport is built with `parse_telephony_websocket` + our own serializer instead of
    `create_transport`, because `create_transport` gives the serializer no `base_url`;
  * tools: the vertical's CRM operations (read from `callstorm tools --vertical … --out FILE`,
    never a hand copy), plus `record_intent`, `transfer_to_human` and `end_call`;
  * no audio recording to WAV files (the example's AudioBufferProcessor).
The bot forwards no `x-callstorm-*` header to anything: a real bot would not have them.

Environment (the bot reads nothing else):
  PORT                    listen on 127.0.0.1:$PORT (required)
  TWILIO_ACCOUNT_SID      dummy account SID (the serializer refuses an empty one)
  TWILIO_AUTH_TOKEN       dummy auth token (HTTP Basic password of the REST calls)
  TWILIO_BASE_URL         Twilio REST API root for call lookups, hang-ups and transfers
                          (default https://api.twilio.com)
  DEEPGRAM_API_KEY        sent as `Authorization: Token …`
  DEEPGRAM_STT_URL        live speech-to-text base, ws://host:port or http://host:port
                          (default: CALLSTORM_ASR_URL, else Deepgram's)
  DEEPGRAM_TTS_URL        TTS base: http://… for the HTTP service, ws://… for the WebSocket one
                          (default: CALLSTORM_TTS_URL, else Deepgram's)
  DEEPGRAM_TTS_TRANSPORT  http (DeepgramHttpTTSService, default) | websocket (DeepgramTTSService)
  DEEPGRAM_TTS_VOICE      default aura-2-thalia-en
  OPENAI_BASE_URL         OpenAI-compatible API root, e.g. http://127.0.0.1:N/v1 (required)
  OPENAI_API_KEY          bearer token (any value for the simulator)
  OPENAI_MODEL            default gpt-4.1 (Pipecat's default)
  CALLSTORM_CRM_URL       the CRM's REST base, e.g. http://127.0.0.1:N (required)
  CALLSTORM_TOOLS_FILE    the JSON file `callstorm tools --vertical <v> --out FILE` wrote (required)
  BOT_BRAND               the company the bot answers for (default "Callstorm Services")
  ORT_DISABLE_TELEMETRY=1 should be set by whoever starts the bot (onnxruntime phones home otherwise)

Run: ORT_DISABLE_TELEMETRY=1 PORT=8765 … .venv-pipecat/bin/python tests/e2e/pipecat/bot.py
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any
from xml.sax.saxutils import quoteattr

import aiohttp
from loguru import logger
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.frames.frames import EndWorkerFrame, FunctionCallResultProperties, LLMRunFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import (
    LLMContextAggregatorPair,
    LLMUserAggregatorParams,
)
from pipecat.processors.frame_processor import FrameDirection
from pipecat.runner.types import RunnerArguments, WebSocketRunnerArguments
from pipecat.runner.utils import parse_telephony_websocket
from pipecat.serializers.twilio import TwilioFrameSerializer
from pipecat.services.deepgram.stt import DeepgramSTTService
from pipecat.services.deepgram.tts import DeepgramHttpTTSService, DeepgramTTSService
from pipecat.services.llm_service import FunctionCallParams
from pipecat.services.openai.llm import OpenAILLMService
from pipecat.services.tts_service import TTSService
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
from pipecat.workers.runner import WorkerRunner

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bot_tools import CrmClient, load_tools  # noqa: E402

TWILIO_DEFAULT_BASE_URL = "https://api.twilio.com"
TRANSFER_QUEUE = "contact-centre"
RECORD_INTENT_YIELD_S = 0.05


def env(name: str, default: str | None = None) -> str:
    value = os.getenv(name) or default
    if not value:
        raise SystemExit(f"bot.py: environment variable {name} is required (see the top of {__file__})")
    return value


class CallControlSerializer(TwilioFrameSerializer):
    """The stock Twilio serializer, whose end-of-call REST request becomes a transfer when one is due.

    Pipecat hangs up (POST Status=completed) when the pipeline ends — after the bot's last words
    have played, before the socket closes. A bot that transfers must not hang up the transferred
    call, so when `transfer_reason` is set the same request instead redirects the call to `<Dial>`
    TwiML carrying the reason. Overrides `_hang_up_call`, the one Pipecat internal this bot touches.
    """

    def __init__(self, *, base_url: str, account_sid: str, auth_token: str, stream_sid: str, call_sid: str):
        super().__init__(
            stream_sid=stream_sid,
            call_sid=call_sid,
            account_sid=account_sid,
            auth_token=auth_token,
            base_url=base_url,
        )
        self.transfer_reason: str | None = None
        self._rest = (base_url.rstrip("/"), account_sid, auth_token, call_sid)

    async def _hang_up_call(self) -> None:
        if self.transfer_reason is None:
            await super()._hang_up_call()
            return
        base, account_sid, auth_token, call_sid = self._rest
        twiml = (
            "<Response><Dial><Client><Identity>"
            f"{TRANSFER_QUEUE}</Identity><Parameter name=\"reason\" value={quoteattr(self.transfer_reason)}/>"
            "</Client></Dial></Response>"
        )
        url = f"{base}/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}.json"
        try:
            async with aiohttp.ClientSession() as session:
                async with session.post(
                    url, data={"Twiml": twiml}, auth=aiohttp.BasicAuth(account_sid, auth_token)
                ) as response:
                    logger.info(f"Twilio transfer of {call_sid} ({self.transfer_reason}): HTTP {response.status}")
        except Exception as e:  # a failed transfer must not crash the pipeline's shutdown
            logger.error(f"Twilio transfer of {call_sid} failed: {e}")


async def get_caller_number(session: aiohttp.ClientSession, call_sid: str) -> str | None:
    """The caller's number from the Twilio REST API's call resource (what the stock example does)."""
    account_sid = env("TWILIO_ACCOUNT_SID")
    base = os.getenv("TWILIO_BASE_URL", TWILIO_DEFAULT_BASE_URL).rstrip("/")
    url = f"{base}/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}.json"
    try:
        async with session.get(url, auth=aiohttp.BasicAuth(account_sid, env("TWILIO_AUTH_TOKEN"))) as r:
            if r.status != 200:
                logger.warning(f"Twilio call lookup: HTTP {r.status}")
                return None
            data: dict[str, Any] = await r.json()
            caller = data.get("from")
            return caller if isinstance(caller, str) and caller else None
    except Exception as e:
        logger.warning(f"Twilio call lookup failed: {e}")
        return None


def system_prompt(brand: str, caller: str | None) -> str:
    return "\n".join(
        line
        for line in [
            f"You are the phone assistant of {brand}. Speak British English, briefly and warmly: one or two "
            "short sentences a turn, no lists, no markdown, no special characters (your words are spoken).",
            "At the start of each caller request, call record_intent with what the caller wants.",
            "Identify the account from the number the caller gives; use the CRM tools to read and change it. "
            "Never invent account data.",
            "Only make a change (a write) with values the caller has said in this call; read back what you changed.",
            "If the caller asks for a person, or needs something you cannot do, call transfer_to_human with a "
            "short snake_case reason.",
            "When the caller has what they need and says goodbye, say goodbye and call end_call.",
            f"The caller is phoning from {caller}." if caller else "",
        ]
        if line
    )


def make_tts(session: aiohttp.ClientSession) -> TTSService:
    api_key = env("DEEPGRAM_API_KEY")
    base = os.getenv("DEEPGRAM_TTS_URL") or os.getenv("CALLSTORM_TTS_URL")
    voice = os.getenv("DEEPGRAM_TTS_VOICE", "aura-2-thalia-en")
    if os.getenv("DEEPGRAM_TTS_TRANSPORT", "http") == "websocket":
        return DeepgramTTSService(
            api_key=api_key,
            settings=DeepgramTTSService.Settings(voice=voice),
            **({"base_url": base} if base else {}),
        )
    return DeepgramHttpTTSService(
        api_key=api_key,
        aiohttp_session=session,
        settings=DeepgramHttpTTSService.Settings(voice=voice),
        **({"base_url": base} if base else {}),
    )


async def run_bot(transport: FastAPIWebsocketTransport, serializer: CallControlSerializer, call_data: Any,
                  runner_args: RunnerArguments) -> None:
    tools = load_tools(env("CALLSTORM_TOOLS_FILE"))
    async with aiohttp.ClientSession() as session:
        caller = await get_caller_number(session, call_data.call_id) or call_data.from_number
        logger.info(f"Call {call_data.call_id} from {caller} to {call_data.to_number}")
        crm = CrmClient(session, env("CALLSTORM_CRM_URL"), call_sid=call_data.call_id, caller=caller)

        stt_base = os.getenv("DEEPGRAM_STT_URL") or os.getenv("CALLSTORM_ASR_URL") or ""
        stt = DeepgramSTTService(api_key=env("DEEPGRAM_API_KEY"), base_url=stt_base)
        llm = OpenAILLMService(
            api_key=env("OPENAI_API_KEY"),
            base_url=env("OPENAI_BASE_URL"),
            settings=OpenAILLMService.Settings(
                model=os.getenv("OPENAI_MODEL", "gpt-4.1"),
                system_instruction=system_prompt(os.getenv("BOT_BRAND", "Callstorm Services"), caller),
            ),
        )
        tts = make_tts(session)

        async def on_crm_tool(params: FunctionCallParams) -> None:
            result = await crm.call(tools.operations[params.function_name], dict(params.arguments))
            await params.result_callback(result)

        async def on_record_intent(params: FunctionCallParams) -> None:
            # Pipecat 1.14 runs the LLM again as soon as a call of a parallel group finishes while its
            # siblings have not yet reported "in progress" (it skips them), so this instant handler
            # made the bot answer twice: before and after the CRM results. Yielding first lets the
            # siblings register; see WIRE-NOTES.md ("parallel tool calls").
            await asyncio.sleep(RECORD_INTENT_YIELD_S)
            await params.result_callback({"recorded": str(params.arguments.get("intent", ""))})

        async def on_transfer(params: FunctionCallParams) -> None:
            serializer.transfer_reason = str(params.arguments.get("reason") or "unspecified")
            await params.result_callback(
                {"status": "transferring"}, properties=FunctionCallResultProperties(run_llm=False)
            )
            # Ends the pipeline once the reply has played; the serializer then redirects the call.
            await params.llm.push_frame(EndWorkerFrame(), FrameDirection.UPSTREAM)

        async def on_end_call(params: FunctionCallParams) -> None:
            await params.result_callback({"status": "ending"}, properties=FunctionCallResultProperties(run_llm=False))
            # Ends the pipeline once the goodbye has played; the serializer then hangs up (Status=completed).
            await params.llm.push_frame(EndWorkerFrame(), FrameDirection.UPSTREAM)

        for name in tools.operations:
            llm.register_function(name, on_crm_tool)
        llm.register_function("record_intent", on_record_intent)
        llm.register_function("transfer_to_human", on_transfer)
        llm.register_function("end_call", on_end_call)

        context = LLMContext(tools=tools.schema)
        user_aggregator, assistant_aggregator = LLMContextAggregatorPair(
            context, user_params=LLMUserAggregatorParams(vad_analyzer=SileroVADAnalyzer())
        )
        pipeline = Pipeline(
            [transport.input(), stt, user_aggregator, llm, tts, transport.output(), assistant_aggregator]
        )
        worker = PipelineWorker(
            pipeline,
            params=PipelineParams(
                audio_in_sample_rate=8000,
                audio_out_sample_rate=8000,
                enable_metrics=True,
                enable_usage_metrics=True,
            ),
            idle_timeout_secs=runner_args.pipeline_idle_timeout_secs,
        )

        @transport.event_handler("on_client_connected")
        async def on_client_connected(_transport: Any, _client: Any) -> None:
            context.add_message({"role": "developer", "content": "Please introduce yourself to the user."})
            await worker.queue_frames([LLMRunFrame()])

        @transport.event_handler("on_client_disconnected")
        async def on_client_disconnected(_transport: Any, _client: Any) -> None:
            await worker.cancel()

        runner = WorkerRunner(handle_sigint=runner_args.handle_sigint, force_gc=True)
        await runner.add_workers(worker)
        await runner.run()


async def bot(runner_args: RunnerArguments) -> None:
    """Entry point the Pipecat development runner calls for every WebSocket at /ws."""
    if not isinstance(runner_args, WebSocketRunnerArguments):
        raise RuntimeError("this bot answers Twilio Media Streams only (the runner's /ws)")
    transport_type, call_data = await parse_telephony_websocket(runner_args.websocket)
    if transport_type != "twilio" or not call_data.stream_id or not call_data.call_id:
        logger.error(f"not a Twilio Media Stream (detected {transport_type}); closing")
        await runner_args.websocket.close(code=1008)
        return
    serializer = CallControlSerializer(
        base_url=os.getenv("TWILIO_BASE_URL", TWILIO_DEFAULT_BASE_URL),
        account_sid=env("TWILIO_ACCOUNT_SID"),
        auth_token=env("TWILIO_AUTH_TOKEN"),
        stream_sid=call_data.stream_id,
        call_sid=call_data.call_id,
    )
    transport = FastAPIWebsocketTransport(
        websocket=runner_args.websocket,
        params=FastAPIWebsocketParams(
            audio_in_enabled=True, audio_out_enabled=True, add_wav_header=False, serializer=serializer
        ),
    )
    await run_bot(transport, serializer, call_data, runner_args)


if __name__ == "__main__":
    from pipecat.runner.run import main

    port = env("PORT")
    # The runner's own flags; anything given on the command line comes later and wins.
    sys.argv[1:1] = ["--host", "127.0.0.1", "--port", port, "--transport", "twilio", "--proxy", f"127.0.0.1:{port}"]
    main()
