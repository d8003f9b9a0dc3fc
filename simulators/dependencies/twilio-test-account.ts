/**
 * The dummy credentials a bot under test is given for the fake Twilio REST API (its
 * `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN`), and the account the Twilio transport puts in each
 * stream's `start` message. Any Basic credentials pass the fake; these only need to look right
 * (Pipecat's serializer refuses empty ones).
 */
export const TWILIO_TEST_ACCOUNT = {
  accountSid: `AC${'0'.repeat(24)}ca11570a`,
  authToken: 'callstorm-fake-twilio-auth-token',
} as const;
