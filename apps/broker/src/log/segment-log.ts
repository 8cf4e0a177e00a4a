import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { decodeFrames, type DecodedFrames } from './record-codec';

export interface SegmentLogOptions {
  dir: string;
  /** A segment takes records until it would grow past this; then the next one starts. */
  segmentBytes: number;
}

/** What an existing segment file held when the log was opened. */
export interface ScannedSegment extends DecodedFrames {
  segment: number;
  file: string;
  /** The file does not start like a segment: it was left alone and nothing was read from it. */
  foreign?: boolean;
}

export interface Appended {
  /** The segment the record goes into, known at once so that callers can count on it. */
  segment: number;
  /** Resolves once the record is written, and for a durable record, synced to disk. */
  written: Promise<void>;
}

// Identifies a segment file and its format version.
const MAGIC = Buffer.from('SEBLOG\u0000\u0001', 'latin1');
const SEGMENT_FILE = /^(\d{12})\.seg$/;

const log = new Logger('EventLog');

/**
 * The active segment, open twice for appending: `synced` with O_DSYNC, so that one write returns
 * once its data is on disk (write(2): as if followed by fdatasync), one trip to libuv's threads
 * instead of two per group commit; `plain` for batches of acknowledgements only, never synced one by one.
 */
interface OpenSegment {
  segment: number;
  plain: FileHandle;
  synced: FileHandle;
}

type Op =
  | { kind: 'write'; segment: number; frame: Buffer; durable: boolean; resolve: () => void; reject: (err: Error) => void }
  | { kind: 'remove'; segment: number };

/**
 * An append-only log of framed records in numbered segment files, with group commit: records
 * appended while a write is in progress go out together in the next write and share one fsync,
 * so that many concurrent producers cost a few syncs, not one each.
 *
 * Each open starts a new segment, so that a tail a crash left behind is never appended to.
 * Removing a segment is queued behind the writes before it.
 */
export class SegmentLog {
  /** How many writes and fsyncs the log did, to see group commit at work. */
  readonly stats = { writes: 0, syncs: 0 };
  private readonly ops: Op[] = [];
  private running?: Promise<void>;
  private file?: OpenSegment;
  private active: number;
  private activeBytes = MAGIC.length;
  private closed = false;

  private constructor(
    private readonly options: SegmentLogOptions,
    lastSegment: number,
  ) {
    this.active = lastSegment + 1;
  }

  /** Reads the segments already in `dir` (created if missing) and opens the log after them. */
  static async open(options: SegmentLogOptions): Promise<{ log: SegmentLog; segments: ScannedSegment[] }> {
    await mkdir(options.dir, { recursive: true });
    const numbers = (await readdir(options.dir))
      .map((name) => SEGMENT_FILE.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const segments: ScannedSegment[] = [];
    for (const segment of numbers) {
      const file = join(options.dir, segmentName(segment));
      const bytes = await readFile(file);
      if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
        // An empty file is a segment created just before a crash; anything else is not ours.
        segments.push({ segment, file, records: [], corrupt: 0, truncatedBytes: bytes.length, foreign: bytes.length >= MAGIC.length });
        continue;
      }
      segments.push({ segment, file, ...decodeFrames(bytes, MAGIC.length) });
    }
    return { log: new SegmentLog(options, numbers.at(-1) ?? 0), segments };
  }

  /** The segment new records go into. */
  get activeSegment(): number {
    return this.active;
  }

  append(frame: Buffer, durable: boolean): Appended {
    if (this.closed) return { segment: this.active, written: Promise.reject(new Error('the event log is closed')) };
    if (this.activeBytes > MAGIC.length && this.activeBytes + frame.length > this.options.segmentBytes) {
      this.active++;
      this.activeBytes = MAGIC.length;
    }
    this.activeBytes += frame.length;
    const segment = this.active;
    const written = new Promise<void>((resolve, reject) => this.ops.push({ kind: 'write', segment, frame, durable, resolve, reject }));
    this.kick();
    return { segment, written };
  }

  /** Deletes a segment once every write queued before this call is done. */
  remove(segment: number): void {
    this.ops.push({ kind: 'remove', segment });
    this.kick();
  }

  /** Finishes queued work, syncs and closes the open segment. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
    await this.closeFile();
  }

  private kick(): void {
    if (this.running) return;
    // Starting on the next turn of the event loop lets every append made in this one join the batch.
    this.running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run())
      .finally(() => {
        this.running = undefined;
        // Work queued between the loop's last check and now would otherwise wait for the next call.
        if (this.ops.length > 0) this.kick();
      });
  }

  private async run(): Promise<void> {
    while (this.ops.length > 0) {
      const first = this.ops[0];
      if (first.kind === 'remove') {
        this.ops.shift();
        await this.removeFile(first.segment).catch((err: Error) => log.warn(`could not delete ${segmentName(first.segment)}: ${err.message}`));
        continue;
      }
      let n = 1;
      while (n < this.ops.length && this.ops[n].kind === 'write' && this.ops[n].segment === first.segment) n++;
      const batch = this.ops.splice(0, n) as Extract<Op, { kind: 'write' }>[];
      try {
        const file = await this.fileFor(first.segment);
        const durable = batch.some((op) => op.durable);
        await writeAll(durable ? file.synced : file.plain, Buffer.concat(batch.map((op) => op.frame)));
        this.stats.writes++;
        if (durable) this.stats.syncs++;
        batch.forEach((op) => op.resolve());
      } catch (err) {
        batch.forEach((op) => op.reject(err as Error));
      }
    }
  }

  private async fileFor(segment: number): Promise<OpenSegment> {
    if (this.file?.segment === segment) return this.file;
    await this.closeFile();
    const path = join(this.options.dir, segmentName(segment));
    const plain = await open(path, 'a');
    const synced = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_DSYNC).catch(async (err: Error) => {
      await plain.close();
      throw err;
    });
    this.file = { segment, plain, synced };
    await writeAll(synced, MAGIC);
    await syncDir(this.options.dir);
    return this.file;
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (!file) return;
    // Records appended without a sync (acknowledgements) are made durable before letting go.
    await file.plain.datasync().catch(() => undefined);
    await Promise.all([file.plain.close(), file.synced.close()]);
  }

  private async removeFile(segment: number): Promise<void> {
    if (this.file?.segment === segment) await this.closeFile();
    await rm(join(this.options.dir, segmentName(segment)), { force: true });
  }
}

export function segmentName(segment: number): string {
  return `${String(segment).padStart(12, '0')}.seg`;
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null);
    offset += bytesWritten;
  }
}

/** Makes a new file's directory entry durable, so that a power cut does not lose the whole file. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
