// An alert manager's intake on a store of its own, on a clock the test moves by hand: what the
// decision tests feed notices to.
import { join } from 'node:path';
import {
  AlertIntake,
  type IntakeInput,
  type SchedulerNews,
} from '../../../src/observatory/agents/alert-intake.js';
import type { Clock } from '../../../src/observatory/clock/clock.js';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import { ALERT_EVENTS_SQL, AlertEventsRepo } from '../../../src/observatory/store/alert-events-repo.js';
import { ALERTS_SQL, AlertsRepo } from '../../../src/observatory/store/alerts-repo.js';
import { tempObservatory } from '../observatory-fixture.js';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  readonly speed = 1;
  readonly simulated = true;
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
  at(): () => void {
    return () => {};
  }
}

/** An open intake: feed it with `ingest`; `told` collects what the scheduler is to hear. */
export interface OpenIntake {
  readonly intake: AlertIntake;
  readonly alerts: AlertsRepo;
  readonly events: AlertEventsRepo;
  readonly told: SchedulerNews[];
  readonly clock: ManualClock;
  ingest(text: string, extra?: Partial<Omit<IntakeInput, 'text'>>): ReturnType<AlertIntake['ingest']>;
  close(): void;
}

/** An intake at `at`, with `ini` appended to observatory.ini. */
export function openIntake(ini: string, at: number): OpenIntake {
  const clock = new ManualClock(at);
  const obs = tempObservatory(ini, clock);
  const store = AgentStore.open(join(obs.dataDir('alert_manager'), 'alert_manager.db'), {
    version: 2,
    sql: ALERTS_SQL + ALERT_EVENTS_SQL,
  });
  const alerts = new AlertsRepo(store.db);
  const events = new AlertEventsRepo(store.db);
  const intake = new AlertIntake(store, alerts, events, obs.ctx.settings, clock);
  const told: SchedulerNews[] = [];
  return {
    intake,
    alerts,
    events,
    told,
    clock,
    ingest: (text, extra = {}) => intake.ingest({ text, source: 'cli', ...extra }, (n) => told.push(n)),
    close() {
      store.close();
      obs.dispose();
    },
  };
}
