import type { Client } from './session-terminal.js';

/**
 * The candidate may open their link in several tabs; one of them drives the shell: its keystrokes
 * reach it, its size is the terminal's, and its acknowledgements pace the output. The others
 * watch and are told so (`tab` messages), so a smaller one no longer shrinks the shell unseen.
 * A socket that claims takes over: a newly opened tab offers the `faultline.claim` subprotocol,
 * and "Use here" sends `{"type":"claim"}`. One that connects without claiming (a tab that was
 * watching, reconnecting) drives only when no other does. When the driving tab goes, the most
 * recently connected candidate socket takes over.
 */
export class CandidateTabs {
  private active: Client | undefined;

  constructor(
    private readonly clients: Iterable<Client>,
    /** Tell a candidate socket whether it drives now; `resize` asks it for its size when it starts to. */
    private readonly tell: (client: Client, active: boolean) => void,
  ) {}

  /** Whether this socket's keystrokes, size and acknowledgements count. */
  drives(client: Client): boolean {
    return client === this.active;
  }

  /** A new socket; it is told where it stands once it has its screen (`tellJoined`). */
  joined(client: Client, claim: boolean): void {
    // A driving socket that is closing (its close handshake began) is gone already: a reconnect that comes first takes over.
    const driving = this.active !== undefined && this.active.ws.readyState === this.active.ws.OPEN;
    if (client.role !== 'candidate' || (!claim && driving)) return;
    const previous = this.active;
    this.active = client;
    if (previous) this.tell(previous, false);
  }

  tellJoined(client: Client): void {
    if (client.role === 'candidate') this.tell(client, this.active === client);
  }

  claim(client: Client): void {
    if (client.role !== 'candidate') return;
    const previous = this.active;
    this.active = client;
    if (previous && previous !== client) this.tell(previous, false);
    this.tell(client, true);
  }

  left(client: Client): void {
    if (client !== this.active) return;
    this.active = undefined;
    let newest: Client | undefined;
    for (const c of this.clients) if (c.role === 'candidate' && c !== client) newest = c;
    if (newest) this.claim(newest);
  }
}
