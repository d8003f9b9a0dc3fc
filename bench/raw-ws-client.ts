import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The load generator's WebSocket client, as lean as the protocol allows: the handshake through
 * node:http, then pre-built binary frames (with an all-zero mask, which RFC 6455 allows) written
 * straight to the socket, and a reader that only decodes the server's text frames. `ws` spends
 * ~20 µs framing each message; at 500 streams × 50 frames a second that alone outgrew a core.
 */
export interface RawSocket {
  readonly socket: Socket;
  /** Writes pre-built frames (see `binaryFrames`). */
  write(frames: Uint8Array): void;
  close(): void;
  readonly open: () => boolean;
}

/** Every `size`-byte piece of `payload` as a masked binary WebSocket frame, back to back. */
export function binaryFrames(payload: Uint8Array, size: number): { bytes: Buffer; frameBytes: number } {
  const header = size < 126 ? 2 + 4 : 4 + 4;
  const count = Math.ceil(payload.length / size);
  const frameBytes = header + size;
  const bytes = Buffer.alloc(count * frameBytes);
  for (let i = 0; i < count; i++) {
    const piece = payload.subarray(i * size, (i + 1) * size);
    const at = i * frameBytes;
    bytes[at] = 0x82;
    if (size < 126) bytes[at + 1] = 0x80 | piece.length;
    else {
      bytes[at + 1] = 0x80 | 126;
      bytes.writeUInt16BE(piece.length, at + 2);
    }
    // Mask key stays 0: the payload goes as it is.
    bytes.set(piece, at + header);
  }
  return { bytes, frameBytes };
}

export function connectRaw(port: number, path: string, onText: (text: string) => void): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        authorization: 'Token bench',
      },
    });
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    req.on('upgrade', (_res, socket, head) => {
      let open = true;
      let pending: Buffer = head;
      const read = (chunk: Buffer) => {
        pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
        for (;;) {
          if (pending.length < 2) return;
          const opcode = pending[0]! & 0x0f;
          let length = pending[1]! & 0x7f;
          let at = 2;
          if (length === 126) {
            if (pending.length < 4) return;
            length = pending.readUInt16BE(2);
            at = 4;
          } else if (length === 127) {
            if (pending.length < 10) return;
            length = Number(pending.readBigUInt64BE(2));
            at = 10;
          }
          if (pending.length < at + length) return;
          if (opcode === 0x1) onText(pending.toString('utf8', at, at + length));
          if (opcode === 0x8) open = false;
          pending = pending.subarray(at + length);
        }
      };
      if (head.length > 0) read(Buffer.alloc(0));
      socket.on('data', read);
      socket.on('close', () => {
        open = false;
      });
      socket.on('error', () => {
        open = false;
      });
      socket.setNoDelay(true);
      resolve({
        socket,
        write: (frames) => void socket.write(frames),
        close: () => {
          open = false;
          socket.end(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]));
        },
        open: () => open,
      });
    });
    req.end();
  });
}
