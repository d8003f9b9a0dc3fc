// Setup file of both projects: every property test runs from one fixed seed, so a failure on CI
// shows again on any machine. A test that names its own seed keeps it. To explore other inputs,
// run with CALLSTORM_FC_SEED=<integer> (fast-check prints the seed and path of a failure).
import fc from 'fast-check';

const fromEnv = Number(process.env.CALLSTORM_FC_SEED);
fc.configureGlobal({ seed: Number.isSafeInteger(fromEnv) ? fromEnv : 20261201 });
