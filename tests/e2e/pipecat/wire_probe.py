"""A manual wire probe of bot.py — not a test, and not part of the test suite.

Plays one call plan against the Pipecat bot and logs, with timestamps, every message on each wire
the bot touches. Stand-ins, in this process: Twilio's side of the Media Stream (real-time 20 ms
μ-law frames; the caller's words spoken by espeak-ng), a Deepgram-style live STT socket (it learns
what was said from callstorm's REST ASR simulator, so the LLM simulator recognises the transcript),
a Deepgram-style HTTP TTS (a tone, PCM16 at the requested rate) and the Twilio REST API. The LLM
and CRM are callstorm's own simulators (`callstorm simulators`). What it printed is recorded in
WIRE-NOTES.md; the real live-STT simulator and Twilio caller replace these stand-ins.

Usage (from the repository root; the bot and the simulators must already be running):
  .venv-pipecat/bin/python tests/e2e/pipecat/wire_probe.py --plan plan.json --wiring wiring.json \
      --bot-port 8765 --stt-port 8766 --tts-port 8767 --twilio-port 8768 [--log probe.jsonl]
The bot must be started with DEEPGRAM_STT_URL=ws://127.0.0.1:<stt-port>,
DEEPGRAM_TTS_URL=http://127.0.0.1:<tts-port>, TWILIO_BASE_URL=http://127.0.0.1:<twilio-port>.
"""

from __future__ import annotations

import argparse
import asyncio
import audioop  # deprecated in 3.11, still there; fine for a probe
import base64
import json
import math
import struct
import subprocess
import time
from typing import Any

import aiohttp
import websockets
from aiohttp import web
from websockets.asyncio.server import ServerConnection, serve

T0 = time.monotonic()
LOG: list[dict[str, Any]] = []
LOG_FILE: Any = None
HANG_UP_AFTER_GREETING = False


def log(wire: str, event: str, **data: Any) -> None:
    entry = {"t": round(time.monotonic() - T0, 3), "wire": wire, "event": event, **data}
    LOG.append(entry)
    line = json.dumps(entry)
    print(line, flush=True)
    if LOG_FILE:
        LOG_FILE.write(line + "\n")


def speech_ulaw(text: str) -> bytes:
    """espeak-ng speech as 8 kHz μ-law."""
    wav = subprocess.run(["espeak-ng", "-v", "en-gb", "--stdout", text], capture_output=True, check=True).stdout
    # RIFF header: find "data"
    i = wav.index(b"data")
    rate = struct.unpack("<I", wav[24:28])[0]
    pcm = wav[i + 8 :]
    pcm8k, _ = audioop.ratecv(pcm, 2, 1, rate, 8000, None)
    return audioop.lin2ulaw(pcm8k, 2)


def tagged_audio(utterance_id: str, ms: int = 500) -> bytes:
    raw = b"CSU1" + bytes([len(utterance_id.encode())]) + utterance_id.encode()
    return raw + b"\xff" * max(0, ms * 8 - len(raw))


class Shared:
    def __init__(self, asr_url: str) -> None:
        self.asr_url = asr_url
        self.current_utterance: str | None = None
        self.utterance_ended_at: float | None = None
        self.call_ended = asyncio.Event()
        self.ended_how: str | None = None


async def transcript_of(shared: Shared, utterance_id: str) -> tuple[str, float]:
    async with aiohttp.ClientSession() as s:
        async with s.post(
            f"{shared.asr_url}/v1/listen?model=nova-3", data=tagged_audio(utterance_id),
            headers={"content-type": "audio/mulaw"},
        ) as r:
            body = await r.json()
    alt = body["results"]["channels"][0]["alternatives"][0]
    return alt["transcript"], alt["confidence"]


def results(transcript: str, confidence: float, *, is_final: bool, from_finalize: bool, start: float) -> str:
    words = [
        {"word": w.lower().strip(",.?!"), "start": start, "end": start + 0.3, "confidence": confidence,
         "punctuated_word": w}
        for w in transcript.split()
    ]
    return json.dumps({
        "type": "Results", "channel_index": [0, 1], "start": start, "duration": 1.0, "is_final": is_final,
        "speech_final": is_final, "from_finalize": from_finalize,
        "channel": {"alternatives": [{"transcript": transcript, "confidence": confidence, "words": words}]},
        "metadata": {"request_id": "probe", "model_uuid": "probe", "model_info": {"name": "general-nova-3",
                                                                                  "version": "probe", "arch": "nova-3"}},
    })


async def stt_handler(ws: ServerConnection, shared: Shared) -> None:
    req = ws.request
    log("stt", "open", path=req.path, headers={k: v for k, v in req.headers.raw_items()})
    frames = 0
    frame_bytes: set[int] = set()
    sent_for: set[str] = set()
    audio_s = 0.0

    async def send_final(from_finalize: bool) -> None:
        uid = shared.current_utterance
        if uid is None or uid in sent_for:
            if from_finalize:  # Deepgram answers every Finalize; nothing new to say here
                await ws.send(results("", 0.0, is_final=True, from_finalize=True, start=audio_s))
                log("stt", "sent", kind="final-empty-from_finalize")
            return
        sent_for.add(uid)
        transcript, confidence = await transcript_of(shared, uid)
        await ws.send(results(transcript, confidence, is_final=True, from_finalize=from_finalize, start=audio_s))
        log("stt", "sent", kind="final", from_finalize=from_finalize, utterance=uid, transcript=transcript)

    async def fallback_final() -> None:
        while True:
            await asyncio.sleep(0.05)
            ended = shared.utterance_ended_at
            if ended and time.monotonic() - ended > 1.0 and shared.current_utterance not in sent_for:
                log("stt", "no Finalize within 1 s of the end of speech; sending the final anyway")
                await send_final(False)

    fallback = asyncio.create_task(fallback_final())
    try:
        async for message in ws:
            if isinstance(message, bytes):
                frames += 1
                audio_s += len(message) / 16000
                if len(message) not in frame_bytes:
                    frame_bytes.add(len(message))
                    log("stt", "binary frame size", bytes=len(message))
                if frames % 250 == 0:
                    log("stt", "binary frames so far", frames=frames)
            else:
                msg = json.loads(message)
                log("stt", "text", message=msg)
                if msg.get("type") == "Finalize":
                    await send_final(True)
                if msg.get("type") == "CloseStream":
                    break
    except websockets.ConnectionClosed as e:
        log("stt", "closed by bot", code=e.rcvd.code if e.rcvd else None)
    finally:
        fallback.cancel()
        log("stt", "end", frames=frames, frame_sizes=sorted(frame_bytes))


def tts_app() -> web.Application:
    async def speak(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        q = dict(request.query)
        log("tts", "request", method=request.method, path=request.path, query=q,
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"}, body=body)
        rate = int(q.get("sample_rate", "24000"))
        seconds = min(4.0, 0.06 * len(body.get("text", "")))
        n = int(rate * seconds)
        pcm = b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * 300 * i / rate))) for i in range(n))
        resp = web.StreamResponse(status=200, headers={"content-type": "application/octet-stream"})
        await resp.prepare(request)
        await asyncio.sleep(0.15)
        step = rate * 2 // 10
        for i in range(0, len(pcm), step):
            await resp.write(pcm[i : i + step])
            await asyncio.sleep(0.02)
        await resp.write_eof()
        return resp

    async def speak_socket(request: web.Request) -> web.WebSocketResponse:
        q = dict(request.query)
        log("tts-ws", "open", path=request.path, query=q,
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"})
        rate = int(q.get("sample_rate", "24000"))
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        text = ""
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            msg = json.loads(message.data)
            log("tts-ws", "text", message=msg)
            if msg.get("type") == "Speak":
                text += msg.get("text", "")
            elif msg.get("type") == "Flush":
                n = int(rate * min(4.0, 0.06 * len(text)))
                text = ""
                pcm = b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * 300 * i / rate))) for i in range(n))
                await asyncio.sleep(0.15)
                step = rate * 2 // 10
                for i in range(0, len(pcm), step):
                    await ws.send_bytes(pcm[i : i + step])
                await ws.send_str(json.dumps({"type": "Flushed", "sequence_id": 0}))
            elif msg.get("type") == "Clear":
                text = ""
                await ws.send_str(json.dumps({"type": "Cleared", "sequence_id": 0}))
            elif msg.get("type") == "Close":
                break
        log("tts-ws", "closed")
        return ws

    app = web.Application()
    app.router.add_post("/v1/speak", speak)
    app.router.add_get("/v1/speak", speak_socket)
    return app


def twilio_app(shared: Shared, plan: dict[str, Any]) -> web.Application:
    async def call(request: web.Request) -> web.Response:
        form = dict(await request.post()) if request.method == "POST" else {}
        log("twilio-rest", request.method, path=request.path, auth=request.headers.get("authorization"),
            content_type=request.headers.get("content-type"), form={k: str(v) for k, v in form.items()})
        if request.method == "POST" and ("Twiml" in form or form.get("Status") == "completed" or "Url" in form):
            if not shared.call_ended.is_set():
                shared.ended_how = "transfer" if "Twiml" in form or "Url" in form else "hangup"
                shared.call_ended.set()
        sid = request.match_info["call"]
        return web.json_response({"sid": sid, "from": plan["caller"]["phone"], "to": "03301234567",
                                  "status": "completed" if shared.call_ended.is_set() else "in-progress"})

    app = web.Application()
    app.router.add_route("*", "/2010-04-01/Accounts/{account}/Calls/{call}.json", call)
    return app


async def caller(bot_port: int, shared: Shared, plan: dict[str, Any]) -> None:
    stream_sid, call_sid = "MZprobe0000000000000000000000001", "CAprobe0000000000000000000000001"
    bot_audio_until = 0.0  # monotonic time the bot's queued audio ends
    heard_any = asyncio.Event()
    counts = {"media": 0, "clear": 0, "mark": 0, "other": 0}
    last_media = 0.0
    stopping = False

    async with websockets.connect(f"ws://127.0.0.1:{bot_port}/ws") as ws:
        log("twilio-ws", "open")
        await ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await ws.send(json.dumps({
            "event": "start", "sequenceNumber": "1", "streamSid": stream_sid,
            "start": {"accountSid": "ACprobe", "streamSid": stream_sid, "callSid": call_sid, "tracks": ["inbound"],
                      "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                      "customParameters": {"from_number": plan["caller"]["phone"], "to_number": "03301234567",
                                           "callstorm_call_id": plan["id"]}},
        }))

        burst: dict[str, Any] = {}

        def close_burst() -> None:
            if burst:
                log("twilio-ws", "bot audio burst", **burst)
                burst.clear()

        async def receive() -> None:
            nonlocal bot_audio_until, last_media
            try:
                async for raw in ws:
                    msg = json.loads(raw)
                    kind = msg.get("event")
                    now = time.monotonic()
                    if kind == "media":
                        audio = base64.b64decode(msg["media"]["payload"])
                        if counts["media"] == 0 or now - last_media > 0.5:
                            close_burst()
                            burst.update(start=round(now - T0, 3), messages=0, silent_messages=0, bytes=0,
                                         sizes=[], keys=sorted(msg.keys()), media_keys=sorted(msg["media"]))
                            if shared.utterance_ended_at:
                                burst["after_caller_stopped_s"] = round(now - shared.utterance_ended_at, 3)
                        burst["messages"] += 1
                        burst["bytes"] += len(audio)
                        burst["end"] = round(now - T0, 3)
                        if len(audio) not in burst["sizes"]:
                            burst["sizes"].append(len(audio))
                        if set(audio) <= {0xFF, 0x7F}:
                            burst["silent_messages"] += 1
                        counts["media"] += 1
                        last_media = now
                        bot_audio_until = max(bot_audio_until, now) + len(audio) / 8000
                        heard_any.set()
                    else:
                        counts[kind if kind in counts else "other"] += 1
                        log("twilio-ws", f"bot sent {kind}", message=msg)
            except websockets.ConnectionClosed:
                pass
            close_burst()
            log("twilio-ws", "socket closed", code=ws.close_code, reason=ws.close_reason,
                by="bot" if not stopping else "caller")

        receiver = asyncio.create_task(receive())
        seq = 2
        chunk = 0

        async def send_audio(audio: bytes) -> None:
            nonlocal seq, chunk
            start = time.monotonic()
            for i in range(0, len(audio), 160):
                if ws.close_code is not None:
                    return
                frame = audio[i : i + 160].ljust(160, b"\xff")
                chunk += 1
                seq += 1
                try:
                    await ws.send(json.dumps({"event": "media", "sequenceNumber": str(seq), "streamSid": stream_sid,
                                              "media": {"track": "inbound", "chunk": str(chunk),
                                                        "timestamp": str(chunk * 20),
                                                        "payload": base64.b64encode(frame).decode()}}))
                except websockets.ConnectionClosed:
                    return
                due = start + (i // 160 + 1) * 0.02
                await asyncio.sleep(max(0.0, due - time.monotonic()))

        async def silence_until_bot_done(max_s: float) -> None:
            deadline = time.monotonic() + max_s
            while time.monotonic() < deadline and not shared.call_ended.is_set() and ws.close_code is None:
                await send_audio(b"\xff" * 160 * 5)
                if heard_any.is_set() and time.monotonic() > bot_audio_until + 0.6:
                    return

        await silence_until_bot_done(15)
        log("twilio-ws", "greeting over", media_messages=counts["media"])
        if HANG_UP_AFTER_GREETING:
            stopping = True
            await ws.send(json.dumps({"event": "stop", "sequenceNumber": str(seq + 1), "streamSid": stream_sid,
                                      "stop": {"accountSid": "ACprobe", "callSid": call_sid}}))
            log("twilio-ws", "caller hangs up: sent stop")
            await ws.close()
            log("twilio-ws", "caller closed the socket")
            await asyncio.sleep(3)
            receiver.cancel()
            return
        for turn in plan["turns"]:
            if shared.call_ended.is_set():
                break
            await send_audio(b"\xff" * int(8 * max(300, turn["thinkMs"])))
            audio = speech_ulaw(turn["text"])
            shared.current_utterance = turn["id"]
            shared.utterance_ended_at = None
            log("twilio-ws", "caller speaks", utterance=turn["id"], ms=len(audio) // 8, text=turn["text"])
            heard_any.clear()
            await send_audio(audio)
            shared.utterance_ended_at = time.monotonic()
            log("twilio-ws", "caller stops speaking", utterance=turn["id"])
            await silence_until_bot_done(20)
            log("twilio-ws", "bot reply over", utterance=turn["id"])
        try:
            await asyncio.wait_for(shared.call_ended.wait(), 10)
        except TimeoutError:
            log("twilio-ws", "bot did not end the call within 10 s of the last turn")
        # What Twilio does once the call is completed or redirected: stop, then close.
        await asyncio.sleep(0.3)
        if ws.close_code is None:
            stopping = True
            await ws.send(json.dumps({"event": "stop", "sequenceNumber": str(seq + 1), "streamSid": stream_sid,
                                      "stop": {"accountSid": "ACprobe", "callSid": call_sid}}))
            log("twilio-ws", "sent stop", ended_how=shared.ended_how)
            await ws.close()
        try:
            await asyncio.wait_for(receiver, 5)
        except TimeoutError:
            pass
        log("twilio-ws", "end", counts=counts, close_code=ws.close_code)


async def main() -> None:
    global LOG_FILE
    p = argparse.ArgumentParser()
    p.add_argument("--plan", required=True)
    p.add_argument("--wiring", required=True)
    for name in ("bot", "stt", "tts", "twilio"):
        p.add_argument(f"--{name}-port", type=int, required=True)
    p.add_argument("--log")
    p.add_argument("--hang-up-after-greeting", action="store_true", help="the caller hangs up (stop + close)")
    a = p.parse_args()
    global HANG_UP_AFTER_GREETING
    HANG_UP_AFTER_GREETING = a.hang_up_after_greeting
    LOG_FILE = open(a.log, "w") if a.log else None
    plan = json.load(open(a.plan))
    wiring = json.load(open(a.wiring))
    shared = Shared(wiring["simulators"]["asr"]["url"])

    async with serve(lambda ws: stt_handler(ws, shared), "127.0.0.1", a.stt_port):
        runners = []
        for app, port in ((tts_app(), a.tts_port), (twilio_app(shared, plan), a.twilio_port)):
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            runners.append(runner)
        await caller(a.bot_port, shared, plan)
        await asyncio.sleep(1.0)
        for runner in runners:
            await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
