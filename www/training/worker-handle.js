// Owns the lifecycle of one training worker (www/worker.js): starting it, forwarding its
// messages, noticing when it failed and restarting it on request.
//
// A worker has failed when it reports a fatal error (a panic inside wasm: the instance is
// discarded, since a trapped module may hold half-updated state), when an uncaught error escapes
// it, or when it has not answered for WATCHDOG_MS while it owes an answer (training is playing,
// or a command was sent). A fatal error terminates the worker at once; a silent worker is only
// reported (it may be in one very long step) and is terminated when the user restarts it. Every
// started worker has a generation number, so messages of a terminated one are never handled.

/** How long a worker that owes an answer may stay silent before the page says so. */
export const WATCHDOG_MS = 10_000;

/** Messages the worker may leave unanswered (a preview request when no images are shown). */
const NO_ANSWER = new Set(['preview']);

export class TrainingWorker {
  /**
   * `onMessage(msg)` gets every message of the live worker; `onFault({message, fatal})` is called
   * when it failed (fatal: terminated) or went silent (not fatal; `onRecover()` follows if it
   * answers again).
   */
  constructor({ onMessage, onFault, onRecover = () => {}, url = null }) {
    this.onMessage = onMessage;
    this.onFault = onFault;
    this.onRecover = onRecover;
    this.url = url;
    this.worker = null;
    this.generation = 0;
    this.failed = false;
    /** Whether the worker said it is training (it then posts snapshots continuously). */
    this.playing = false;
    this.lastHeard = performance.now();
    /** When the oldest command still waiting for any answer was sent, or null. */
    this.waitingSince = null;
    this.silent = false;
    this.timer = setInterval(() => this.watch(), 1000);
    this.start();
  }

  start() {
    const generation = ++this.generation;
    this.failed = false;
    this.playing = false;
    this.silent = false;
    this.waitingSince = null;
    this.lastHeard = performance.now();
    // Written out as `new Worker(new URL(...))` so that Vite's build bundles the worker with its
    // imports (the loader and both wasm builds) into dist/; `url` replaces it in tests.
    const worker = this.url ? new Worker(this.url, { type: 'module' }) : new Worker(new URL('./training-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (event) => {
      if (generation !== this.generation) return;
      this.heard();
      const msg = event.data;
      if (msg?.type === 'fatal') {
        this.fail(msg.message, true);
        return;
      }
      if (msg?.type === 'snapshot') this.playing = Boolean(msg.playing);
      this.onMessage(msg);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (generation !== this.generation) return;
      this.fail(`The training worker failed: ${event.message || 'it could not be loaded'}.`, true);
    };
    worker.onmessageerror = () => {
      if (generation === this.generation) this.fail('The training worker sent a message that could not be read.', true);
    };
    this.worker = worker;
  }

  /** Sends a message to the live worker (dropped while it is failed: restart first). */
  post(msg, transfer = []) {
    if (this.failed || !this.worker) return false;
    if (this.waitingSince === null && !NO_ANSWER.has(msg?.type)) this.waitingSince = performance.now();
    this.worker.postMessage(msg, transfer);
    return true;
  }

  heard() {
    this.lastHeard = performance.now();
    this.waitingSince = null;
    if (this.silent) {
      this.silent = false;
      this.onRecover();
    }
  }

  /** The watchdog, once a second: a worker that owes an answer and stays silent is reported. */
  watch() {
    if (this.failed || this.silent) return;
    const now = performance.now();
    const owes = this.playing || this.waitingSince !== null;
    const since = Math.max(this.lastHeard, this.playing ? 0 : this.waitingSince ?? 0);
    if (owes && now - since > WATCHDOG_MS) {
      this.silent = true;
      this.onFault({ message: `The training worker has not answered for ${Math.round((now - since) / 1000)} s; it may be stuck in a very long step.`, fatal: false });
    }
  }

  fail(message, fatal) {
    if (this.failed) return;
    this.failed = true;
    this.playing = false;
    this.worker?.terminate();
    this.worker = null;
    this.onFault({ message, fatal });
  }

  /** Terminates the current worker (whatever its state) and starts a fresh one. */
  restart() {
    this.worker?.terminate();
    this.worker = null;
    this.start();
  }

  /** Stops the worker for good. */
  dispose() {
    clearInterval(this.timer);
    this.generation += 1;
    this.worker?.terminate();
    this.worker = null;
    this.failed = true;
  }
}
