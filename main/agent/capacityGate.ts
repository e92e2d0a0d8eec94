// What the capacity monitor (capacity.ts) needs from the intake (ingest.ts) to apply back pressure, and the error
// an OPC UA value meets while intake is paused.

/**
 * The intake as the capacity monitor drives it. While paused, business records wait uncommitted (their MQTT
 * PUBACKs with them, so the broker keeps them) and telemetry is not stored (OPC UA counters keep their last
 * committed value: the next committed value counts what happened meanwhile).
 */
export interface IntakeControl {
  pauseIntake(): void;
  resumeIntake(): void;
  readonly intakePaused: boolean;
  /** Business messages waiting uncommitted. */
  readonly heldMessages: number;
  /** Telemetry values not stored because intake was paused, since start. */
  readonly telemetryNotStored: number;
}

/** An OPC UA value that was not stored because intake is paused; not a fault of its source. */
export class IntakePausedError extends Error {
  constructor() {
    super('intake is paused (disk budget reached or disk full); the value was not stored');
    this.name = 'IntakePausedError';
  }
}
