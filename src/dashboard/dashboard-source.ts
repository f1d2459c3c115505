import type {
  AgentView,
  AlertView,
  AltitudesView,
  DashboardState,
  ImageView,
  MessageView,
  NowView,
  PlanView,
  TasksView,
} from './dashboard-views.js';

/**
 * What the dashboard's server reads and does, apart from HTTP: one method per read endpoint and
 * one per action (docs/dashboard.md). {@link ObservatorySource} reads a running observatory; the
 * server never touches the database or Sender itself.
 *
 * Actions reject with what Sender rejects with (`UnknownAgentError`, `UnreachableError`, …): the
 * server turns those into HTTP statuses.
 */
export interface DashboardSource {
  state(): Promise<DashboardState>;
  agents(): Promise<AgentView[]>;
  tasks(): Promise<TasksView>;
  /** Newest first; with `agent`, messages from or to it. */
  messages(limit: number, agent?: string): Promise<MessageView[]>;
  plan(): Promise<PlanView>;
  altitudes(): Promise<AltitudesView>;
  now(): Promise<NowView>;
  /** Newest first. */
  alerts(limit: number): Promise<AlertView[]>;
  /** Newest first. */
  images(limit: number): Promise<ImageView[]>;
  /** The image's PNG preview, or undefined when there is no such image. */
  preview(imageId: number): Promise<Buffer | undefined>;

  /** Hands a VOEvent to the alert manager; resolves with its reply. */
  injectAlert(text: string, drill: boolean): Promise<unknown>;
  /** Sends a message to any configured agent; resolves with its handler's return value. */
  sendMessage(agent: string, message: string, payload: unknown): Promise<unknown>;
  /** Asks the observation manager to stop what runs and close the dome. */
  closeDome(): Promise<unknown>;
  /** Tells the majordome to stop starting blocks (`paused`) or to go on. */
  pause(paused: boolean): Promise<unknown>;

  /** Releases what the source opened (not the observatory context, which its owner closes). */
  close(): Promise<void>;
}
