import { startNullAgent } from '../agent/null-agent.ts';

// A null agent in its own process (so the driver's and the agent's CPU are apart); prints its URL.
const agent = await startNullAgent();
process.stdout.write(`${agent.url}\n`);
process.once('SIGTERM', () => {
  void agent.close().then(() => process.exit(0));
});
