/** The source of "now" for every date decision, injected so tests can stand on any moment. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock for tests: starts at `start` and moves only when told. */
export class FakeClock implements Clock {
  private current: Date
  constructor(start: Date | string) {
    this.current = new Date(start)
  }
  now(): Date {
    return new Date(this.current)
  }
  set(to: Date | string): void {
    this.current = new Date(to)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}
