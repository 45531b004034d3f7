import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { initialState, sandboxStateSchema, type SandboxState } from './state';

/** In-memory state, optionally mirrored to a JSON file after every change (so `npm start` keeps demo data). */
export class SandboxStore {
  readonly state: SandboxState;
  private readonly dataFile: string | undefined;

  constructor(dataFile?: string) {
    this.dataFile = dataFile;
    this.state = dataFile ? loadState(dataFile) : initialState();
  }

  /** Writes the state to the data file (atomic rename), if one is configured. */
  save(): void {
    if (!this.dataFile) return;
    mkdirSync(dirname(this.dataFile), { recursive: true });
    const tmp = `${this.dataFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 2));
    renameSync(tmp, this.dataFile);
  }

  nextEventTypeId(): number {
    return this.state.nextIds.eventType++;
  }

  nextBookingId(): number {
    return this.state.nextIds.booking++;
  }
}

function loadState(file: string): SandboxState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return initialState();
    throw err;
  }
  const parsed = sandboxStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    // A corrupt or old file must not silently lose data: stop with a clear message instead.
    throw new Error(
      `Sandbox data file ${file} is not valid sandbox state: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
