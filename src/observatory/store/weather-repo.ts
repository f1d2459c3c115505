import type { WeatherReading } from '../devices/weather-station.js';
import { type Db, retryBusy } from './store-db.js';

/** The monitoring agent's table: each reading, and whether it was judged safe. */
export const WEATHER_SQL = `
CREATE TABLE IF NOT EXISTS weather (
  time    INTEGER PRIMARY KEY,
  reading TEXT NOT NULL,
  ok      INTEGER NOT NULL
);
`;

/** Readings kept (about three days at one a minute). */
const KEPT = 5000;

/** The weather readings monitoring took. */
export class WeatherRepo {
  #writes = 0;
  constructor(private readonly db: Db) {}

  record(reading: WeatherReading, safe: boolean): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO weather (time, reading, ok) VALUES (?, ?, ?)');
    const trim = this.db.prepare(
      'DELETE FROM weather WHERE time < (SELECT MIN(time) FROM (SELECT time FROM weather ORDER BY time DESC LIMIT ?))',
    );
    retryBusy(() => insert.run(reading.time, JSON.stringify(reading), safe ? 1 : 0));
    this.#writes += 1;
    if (this.#writes % 100 === 0) retryBusy(() => trim.run(KEPT));
  }

  latest(): WeatherReading | undefined {
    const row = this.db
      .prepare<[], { reading: string }>('SELECT reading FROM weather ORDER BY time DESC LIMIT 1')
      .get();
    return row === undefined ? undefined : (JSON.parse(row.reading) as WeatherReading);
  }
}
