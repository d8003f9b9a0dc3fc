import { WebSocket } from 'ws';

interface Queued {
  readonly due: number;
  readonly data: string | Uint8Array;
  readonly onSent?: (at: number) => void;
}

/**
 * What a simulated stream sends, in order: each message after its own delay, never before one
 * queued earlier (a vendor's pipeline answers in stream order). One timer per stream at most.
 */
export class SocketOutbox {
  readonly #ws: WebSocket;
  readonly #now: () => number;
  readonly #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;
  #last = 0;
  #muted = false;
  #closeAfter: { code: number; reason: string } | undefined;

  constructor(ws: WebSocket, now: () => number = () => performance.now()) {
    this.#ws = ws;
    this.#now = now;
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** Queues a message to leave `delayMs` from now (and after everything queued before it). */
  send(data: string | Uint8Array, delayMs = 0, onSent?: (at: number) => void): void {
    if (this.#muted || this.#closeAfter) return;
    const due = Math.max(this.#now() + Math.max(0, delayMs), this.#last);
    this.#last = due;
    this.#queue.push({ due, data, ...(onSent ? { onSent } : {}) });
    this.#pump();
  }

  /** Closes once everything queued has been sent. */
  close(code: number, reason = ''): void {
    if (this.#muted || this.#closeAfter) return;
    this.#closeAfter = { code, reason };
    this.#pump();
  }

  /** Closes now; queued messages are dropped. */
  closeNow(code: number, reason = ''): void {
    this.#drop();
    this.#muted = true;
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING)
      this.#ws.close(code, reason);
  }

  /** Drops what is queued and not yet sent (a TTS `Clear`); later sends work as before. */
  clear(): void {
    this.#drop();
    this.#last = 0;
  }

  /** Sends nothing more, ever (the socket stays open). */
  mute(): void {
    this.#drop();
    this.#muted = true;
  }

  /** The socket is gone: forget what is queued. */
  dispose(): void {
    this.#drop();
    this.#muted = true;
  }

  #drop(): void {
    this.#queue.length = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #pump(): void {
    if (this.#timer) return;
    const now = this.#now();
    while (this.#queue.length > 0 && this.#queue[0]!.due <= now + 0.5) {
      const item = this.#queue.shift()!;
      if (this.#ws.readyState !== WebSocket.OPEN) {
        this.#queue.length = 0;
        return;
      }
      this.#ws.send(item.data);
      item.onSent?.(this.#now());
    }
    const head = this.#queue[0];
    if (head) {
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          this.#pump();
        },
        Math.max(0, head.due - now),
      );
      return;
    }
    if (this.#closeAfter && this.#ws.readyState === WebSocket.OPEN) {
      const { code, reason } = this.#closeAfter;
      this.#ws.close(code, reason);
    }
  }
}
