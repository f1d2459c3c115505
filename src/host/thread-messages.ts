/** What an app's worker thread tells the host. */
export type FromAppThread =
  | { readonly type: 'started'; readonly agent: string; readonly port: number }
  | { readonly type: 'stopped'; readonly agent: string }
  | { readonly type: 'failed'; readonly error: string };

/** What the host tells an app's worker thread. */
export type ToAppThread =
  | { readonly type: 'shutdown'; readonly reason: string }
  | { readonly type: 'host-apps'; readonly apps: readonly HostAppReport[] };

/** An app's state as its host reports it to every thread (see host-apps.ts). */
export interface HostAppReport {
  readonly name: string;
  readonly state: 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';
  readonly restarts: number;
  readonly port: number | undefined;
  readonly lastError: string | undefined;
}

/** The data an app's worker thread starts with. */
export interface AppThreadData {
  readonly app: string;
  /** URL of the module whose default export is the App. */
  readonly moduleUrl: string;
  /** Absolute path of the config file, for PYROS_AGENT_CONFIG in the thread. */
  readonly configPath: string;
}
