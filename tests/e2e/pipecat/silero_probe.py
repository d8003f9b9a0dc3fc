"""Pipecat's Silero VAD over raw audio, as Pipecat's input transport runs it.

Usage: silero_probe.py FILE RATE — FILE is PCM16 LE mono at RATE (8000 or 16000). Feeds it in
20 ms chunks to SileroVADAnalyzer (Pipecat's defaults) and prints one JSON line:
{"chunkMs": 20, "states": [1, 1, 2, 3, ...]} (VADState values: 1 QUIET, 2 STARTING, 3 SPEAKING,
4 STOPPING). Run with ORT_DISABLE_TELEMETRY=1.
"""

import asyncio
import json
import sys

from pipecat.audio.vad.silero import SileroVADAnalyzer

CHUNK_MS = 20


async def main(path: str, rate: int) -> None:
    with open(path, "rb") as f:
        data = f.read()
    vad = SileroVADAnalyzer(sample_rate=rate)
    vad.set_sample_rate(rate)
    step = rate * CHUNK_MS // 1000 * 2
    states: list[int] = []
    for at in range(0, len(data) - step + 1, step):
        state = await vad.analyze_audio(data[at : at + step])
        states.append(state.value)
    print(json.dumps({"chunkMs": CHUNK_MS, "states": states}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
