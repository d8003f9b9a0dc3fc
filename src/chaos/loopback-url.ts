import { isLoopbackAddress } from '../../mocks/is-loopback-address.ts';
import { CallstormError } from '../errors/callstorm-error.ts';

/**
 * Parses `text` as an http URL on a loopback host (127.0.0.0/8, ::1 or localhost) or throws
 * CS_ERR_NOT_LOOPBACK: callstorm sends faults only to services on this machine.
 */
export function requireLoopbackUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CallstormError('CS_ERR_BAD_ARGUMENT', {
      option: what,
      reason: `"${text}" is not a URL`,
      fix: 'write it as http://127.0.0.1:8474',
    });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' || !(host === 'localhost' || isLoopbackAddress(host))) {
    throw new CallstormError('CS_ERR_NOT_LOOPBACK', { what, address: text });
  }
  return url;
}
