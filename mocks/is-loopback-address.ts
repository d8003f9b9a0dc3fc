import { isIP } from 'node:net';

/**
 * True for a loopback peer: 127.0.0.0/8, ::1, and IPv4-mapped 127.x (`::ffff:127.0.0.1`).
 * Anything else — including a missing or malformed address — is not loopback.
 */
export function isLoopbackAddress(address: string | undefined | null): boolean {
  if (!address) return false;
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  const ip = mapped ? mapped[1]! : bare;
  switch (isIP(ip)) {
    case 4:
      return ip.split('.')[0] === '127';
    case 6:
      return /^(0{0,4}:){2,7}0{0,3}1$/.test(ip) || ip === '::1';
    default:
      return false;
  }
}
