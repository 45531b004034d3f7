import type { PushEvent } from '../../common/api';

/** What the outbox hands links to: the core (or the setup stand-in) once it exists. */
export interface LinkSink {
  handleDeepLink(url: string): Promise<void>;
}

export interface RendererOutboxDeps {
  /** Sends a push event to the window's renderer. */
  readonly send: (event: PushEvent) => void;
  readonly onLinkFailed: (err: unknown) => void;
  /** Most links kept while nobody listens; older ones are dropped first (a flood of clicks must not grow memory). */
  readonly limit?: number;
}

/**
 * Holds deep links and notices until the renderer says it listens (the `rendererReady` call after it subscribed
 * to push events) and the core exists. A link delivered earlier would become an `open-booking` event nobody
 * receives: on a cold start the page is still loading, after a reload or a new window it has not subscribed yet.
 */
export class RendererOutbox {
  private ready = false;
  private sink: LinkSink | null = null;
  private readonly links: string[] = [];
  private readonly notices: PushEvent[] = [];

  constructor(private readonly deps: RendererOutboxDeps) {}

  pushLink(url: string): void {
    this.links.push(url);
    const limit = this.deps.limit ?? 20;
    if (this.links.length > limit) this.links.splice(0, this.links.length - limit);
    this.flush();
  }

  /** A message for the consultant (e.g. settings were recovered), shown as a toast once the page listens. */
  pushNotice(event: PushEvent): void {
    this.notices.push(event);
    this.flush();
  }

  /**
   * A push event from the core: sent while the page listens. Otherwise toasts wait (a message must not be lost) and
   * the rest is dropped: the page reads the current state when it starts, so an old `state` event adds nothing.
   */
  forward(event: PushEvent): void {
    if (this.ready) this.deps.send(event);
    else if (event.type === 'toast') this.pushNotice(event);
  }

  setSink(sink: LinkSink): void {
    this.sink = sink;
    this.flush();
  }

  /** The renderer subscribed to push events (its `rendererReady` call). */
  rendererReady(): void {
    this.ready = true;
    this.flush();
  }

  /** The page is going away (reload, navigation, window closed, renderer crash): queue until it says ready again. */
  rendererGone(): void {
    this.ready = false;
  }

  isReady(): boolean {
    return this.ready;
  }

  pendingLinks(): readonly string[] {
    return [...this.links];
  }

  private flush(): void {
    if (!this.ready) return;
    for (const notice of this.notices.splice(0)) this.deps.send(notice);
    const sink = this.sink;
    if (!sink) return;
    for (const url of this.links.splice(0)) sink.handleDeepLink(url).catch(this.deps.onLinkFailed);
  }
}
