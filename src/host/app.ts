/**
 * An application of the app host, as the seed's Django `AppConfig`: a name (the agent's) and a
 * `ready()` hook that instantiates and starts the agent when the application starts.
 *
 * @example
 * // scheduler-app.ts, named by `module = ./scheduler-app.js` in the [scheduler] section
 * export default defineApp({
 *   name: Agent.SCHEDULER,
 *   async ready() {
 *     await new SchedulerAgent().start();
 *   },
 * });
 */
export interface App {
  /** The name of the agent this app starts: its section in pyros_agent_config.ini. */
  readonly name: string;
  /** Instantiates and starts the app's one agent. */
  ready(): void | Promise<void>;
}

/** Declares an app; the module that calls it must export the result as its default export. */
export function defineApp(app: App): App {
  return app;
}

/** True for something shaped like an App (what a module's default export must be). */
export function isApp(value: unknown): value is App {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as App).name === 'string' &&
    typeof (value as App).ready === 'function'
  );
}
