// The WebSocket channel protocols (upstream's wsstream): every message starts with the channel
// it belongs to. Binary protocols put the channel number in the first byte and the payload as
// is; the base64 ones put the channel as a digit ('0' + n) and the payload in base64, as text.
// Clients may send either frame type (the Python client writes strings as text frames), so
// incoming messages are decoded by the protocol, never by the frame type.
import type { WebSocket } from 'ws';

export interface ChannelMessage {
  channel: number;
  payload: Buffer;
}

/** What a channel protocol's peer sent; undefined for an empty or undecodable message. */
export function decodeChannelMessage(data: Buffer, base64: boolean): ChannelMessage | undefined {
  if (data.length === 0) return undefined;
  if (!base64) return { channel: data[0]!, payload: data.subarray(1) };
  const channel = data[0]! - 0x30;
  if (channel < 0 || channel > 9) return undefined;
  return { channel, payload: Buffer.from(data.subarray(1).toString('latin1'), 'base64') };
}

/** Sends channel messages in the protocol's encoding, reporting when the socket falls behind. */
export class ChannelWriter {
  private inFlight = 0;

  /**
   * @param onBacklog called with true once `maxInFlight` sends wait on the socket, and with false
   *   when they have drained, so the caller can stop and resume reading its sources.
   */
  constructor(
    private readonly ws: WebSocket,
    private readonly base64: boolean,
    private readonly onBacklog: (full: boolean) => void = () => undefined,
    private readonly maxInFlight = 16,
  ) {}

  /** Whether sends wait on the socket (the caller's sources are paused). */
  backlogged(): boolean {
    return this.inFlight >= this.maxInFlight;
  }

  send(channel: number, data: Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.inFlight++;
    if (this.inFlight === this.maxInFlight) this.onBacklog(true);
    const done = (): void => {
      this.inFlight--;
      if (this.inFlight === this.maxInFlight - 1) this.onBacklog(false);
    };
    if (this.base64) this.ws.send(String.fromCharCode(0x30 + channel) + data.toString('base64'), { binary: false }, done);
    else this.ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true }, done);
  }
}
