/**
 * The one error catalogue. Every error a user can see has a stable code, a message template that
 * says what failed and why, a hint that says what to do, and the process exit code the CLI uses.
 * `docs/errors.md` is the table of these; a test keeps the two in step.
 */
export const catalogue = {
  CS_ERR_FILE_NOT_FOUND: {
    exit: 2,
    message: 'cannot read {path}: {reason}',
    hint: 'check the path; scenario files live under scenarios/ (try `callstorm validate scenarios/stages/pilot.yaml`)',
  },
  CS_ERR_INPUT_FILE: {
    exit: 2,
    message: 'cannot use {path} as {what}: {reason}',
    hint: 'pass a regular file of at most {max} (not a pipe, a device or a directory)',
  },
  CS_ERR_YAML_SYNTAX: {
    exit: 2,
    message: '{path}: YAML syntax error: {reason}',
    hint: 'fix the YAML at the line and column shown',
  },
  CS_ERR_SCENARIO_INVALID: {
    exit: 2,
    message: '{path}: invalid {kind}:\n{issues}',
    hint: 'each line names the field by its path and what it should be; `schemas/*.schema.json` gives editors completion for these files',
  },
  CS_ERR_UNKNOWN_NAME: {
    exit: 2,
    message: 'unknown {what} "{name}"',
    hint: 'valid names: {valid}',
  },
  CS_ERR_BAD_ARGUMENT: {
    exit: 2,
    message: 'bad value for {option}: {reason}',
    hint: '{fix}',
  },
  CS_ERR_EMPTY_MIX: {
    exit: 2,
    message: 'stage "{stage}" leaves vertical "{vertical}" with no flows to generate: {reason}',
    hint: 'give at least one of its flows a category weighted above 0 in stage.flowMix.categories, or add a flowMix.overrides.{vertical} entry',
  },
  CS_ERR_WINDOW_EMPTY: {
    exit: 2,
    message: 'window {window} has no expected calls: {reason}',
    hint: 'choose a window inside business hours of the scenario month (month, week, peak-day, peak-hour, or START/END in ISO 8601)',
  },
  CS_ERR_PORT_IN_USE: {
    exit: 2,
    message: 'cannot listen on {host}:{port}: {reason}',
    hint: 'choose another port, or pass 0 to take a free one',
  },
  CS_ERR_FAULT_INVALID: {
    exit: 2,
    message: 'fault "{fault}" has bad attributes: {reason}',
    hint: 'see docs/faults.md for each fault and its attributes',
  },
  CS_ERR_NOT_LOOPBACK: {
    exit: 2,
    message: 'refusing {what} at {address}: callstorm only sends load and faults to loopback addresses',
    hint: 'run the agent under test and its dependencies on 127.0.0.1 or localhost',
  },
  CS_ERR_CONTROL_FORBIDDEN: {
    exit: 2,
    message:
      'control API request from {address} refused: the control API of a simulator answers loopback clients only',
    hint: 'call the control API from the machine the simulator runs on (127.0.0.1 or ::1); only the simulated API itself may be reached from elsewhere',
  },
  CS_ERR_FAULT_NOT_FOUND: {
    exit: 2,
    message: 'no active fault "{id}" on simulator {simulator}',
    hint: 'GET /__callstorm/faults lists the active faults and their ids',
  },
  CS_ERR_UNKNOWN_CALL: {
    exit: 2,
    message: 'unknown call id {ids}: {reason}',
    hint: 'pass ids of calls in the window the simulators were started for (`cs-<seed>-<index>`, with the same --vertical, --stage, --window and --seed as the run); `callstorm generate` lists them',
  },
  CS_ERR_SIMULATORS_PROCESS: {
    exit: 1,
    message: 'the simulators process {reason}',
    hint: "run `callstorm simulators {args}` on its own to see it start and fail; programmatic runs can pass `simulators: 'in-process'` (CLI: `callstorm run --simulators in-process`) to run them inside the run's process",
  },
  CS_ERR_SIMULATOR_EVIDENCE: {
    exit: 1,
    message: 'the simulators did not give the run its evidence ({request}): {reason}',
    hint: "a call cannot be judged without what the simulators saw of it; the run stops rather than guess. If the simulators run in a child process it may have exited (see the run's reason); `--simulators in-process` runs them inside the run",
  },
  CS_ERR_AGENT_CONFIG_INVALID: {
    exit: 2,
    message: 'invalid agent configuration:\n{issues}',
    hint: 'each line names the option by its path; `callstorm agent --help` lists the flags and their CALLSTORM_* environment variables',
  },
  CS_ERR_AGENT_START: {
    exit: 2,
    message: 'the agent command `{command}` {reason}; its last output ({log}):\n{output}',
    hint: 'run the command yourself with PORT set (`PORT=8080 {command}`) to see it start; it must listen on {address} (the --agent URL; $PORT is its port) within --agent-ready-timeout (default 30 s). Its whole output is in {log}',
  },
  CS_ERR_AGENT_UNREACHABLE: {
    exit: 2,
    message: 'no agent answers at {url} ({reason}), so no call was made',
    hint: 'start your agent so it listens on {address} before the run, or let the run start it with the dependency URLs in its environment: `--agent-cmd "<command>" --agent "http://127.0.0.1:{port}"` (docs/wiring.md)',
  },
  CS_ERR_AGENT_NOT_WIRED: {
    exit: 2,
    message:
      "the agent is not using this run's simulators: it answered {count} finished call(s) ({calls}), and this run's simulators ({endpoints}) received no request at all. Its CRM writes, transcripts and LLM calls went somewhere else, so every result of this run would be wrong; the run was stopped",
    hint: "let the run start the agent: `--agent-cmd '<command>' --agent 'http://127.0.0.1:{port}'`, the agent reading its dependencies from the environment (CALLSTORM_ASR_URL, CALLSTORM_TTS_URL, CALLSTORM_CRM_URL, CALLSTORM_LLM_URL or OPENAI_BASE_URL, or the file CALLSTORM_WIRING names); or start it yourself from the file `--wiring-out FILE` writes, or on fixed ports (`--simulators-port-base N`). A `callstorm simulators` started on its own is not the run's. See docs/wiring.md (an agent that uses no simulated dependency at all: --no-wiring-check)",
  },
  CS_ERR_DEAD_LETTER_FILE: {
    exit: 2,
    message: 'cannot use the dead-letter queue file {path}: {reason}',
    hint: 'pass a writable path with --dlq (or CALLSTORM_AGENT_DLQ); the directory is created if missing',
  },
  CS_ERR_TOXIPROXY_UNAVAILABLE: {
    exit: 2,
    message: 'cannot use Toxiproxy at {url}: {reason}',
    hint: 'start it (`.tools/toxiproxy-server -host 127.0.0.1 -port 8474`), fix or unset TOXIPROXY_URL, or run `npm run setup:toxiproxy` so callstorm starts its own',
  },
  CS_ERR_TOXIPROXY_IN_USE: {
    exit: 2,
    message:
      'Toxiproxy at {url} already has a proxy {name}, and it may belong to a run that is still going: {reason}',
    hint: 'callstorm never replaces a proxy it cannot prove dead. Wait for that run to end, or, if no such run is going, delete the proxy: `curl -X DELETE {url}/proxies/{name}`',
  },
  CS_ERR_ROLLBACK_INCOMPLETE: {
    exit: 1,
    message: 'rollback gave up after {ms} ms: {reason}',
    hint: 'these may still be active: {leftovers}. Remove them by hand (Toxiproxy: `curl -X DELETE <toxiproxy>/proxies/<name>`; simulators: `curl -X DELETE <controlUrl>/faults`)',
  },
  CS_ERR_RUN_ARTEFACT: {
    exit: 2,
    message: 'cannot use run artefact {path}: {reason}',
    hint: '{fix}',
  },
  CS_ERR_RUN_FOLDER_TAKEN: {
    exit: 2,
    message:
      'the run folder {path} already holds a run (it has {found}): a run never writes into another run',
    hint: 'pass --out a new or empty folder, or leave --out out: every run gets a folder of its own under reports/ (its id carries the time to the millisecond, the seed and a random suffix). To replace the old run, delete its folder first',
  },
  CS_ERR_REPORT_OUTPUT: {
    exit: 2,
    message: 'cannot write the report to {path}: {reason}',
    hint: 'choose a folder you can write to with --out (it is created if missing)',
  },
  CS_ERR_OUTPUT_LOCATION: {
    exit: 2,
    message: 'cannot write {what} to {path}: {reason}',
    hint: 'pass {option} a path you can create and write to, on a disk with free space, not under /proc, /sys or /dev (nothing was written)',
  },
  CS_ERR_OUTPUT_WRITE: {
    exit: 1,
    message: 'could not finish writing {what} {path}: {reason}',
    hint: 'free space on that disk (or make it writable) and run again, or choose another --out. {partial}',
  },
  CS_ERR_K6_OUTPUT: {
    exit: 2,
    message: 'cannot ingest k6 output {path}: {reason}',
    hint: 'pass the files k6 wrote with `--out json=<file>` (NDJSON, optionally .gz), one per runner; `callstorm ingest k6 --help`',
  },
  CS_ERR_SPEECH_UNAVAILABLE: {
    exit: 1,
    message: 'cannot render caller speech: {reason}',
    hint: 'install espeak-ng 1.51+ (`bash scripts/setup-speech.sh`, or set CALLSTORM_ESPEAK to its path), or run with `--caller-audio tagged`',
  },
  CS_ERR_SPEECH_CACHE: {
    exit: 1,
    message: 'cannot use the speech cache {path}: {reason}',
    hint: 'point CALLSTORM_SPEECH_CACHE at a folder you can write to (it is created if missing)',
  },
  CS_ERR_REALTIME_ONLY: {
    exit: 2,
    message:
      'the {transport} transport cannot run at --speed {speed}: it streams audio to the agent in real time, and audio cannot be compressed in time',
    hint: 'run it with --speed 1; to sample a peak, pass a short explicit --window (e.g. --window 2026-03-02T09:00/2026-03-02T09:10) instead of speeding up a long one',
  },
  CS_ERR_INTERNAL: {
    exit: 70,
    message: 'internal error: {reason}',
    hint: 'this is a callstorm bug; please report it with the command you ran',
  },
} as const satisfies Record<string, { exit: number; message: string; hint: string }>;

export type ErrorCode = keyof typeof catalogue;
