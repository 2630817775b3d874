// Owns the Lecture path's questions to the core, asked of the training workers (the rules are
// the core's, src/lecture/ through wasm `Session.lecture_side`, `lecture_outcome`,
// `lecture_shape`, `lecture_sweep_figures` and `lecture_lab_figures`; nothing here judges): each question carries an id and its answer comes back through `onReply`. A worker
// that does not answer within the time limit rejects the question, so the path never hangs.

const TIMEOUT_MS = 30_000;

export class CoreQuestions {
  constructor() {
    this.waiting = new Map();
    this.next = 0;
  }

  /**
   * Posts `msg` with a fresh id through `post` and resolves with the answer (the worker's reply
   * message); rejects with the core's error.
   */
  ask(post, msg) {
    this.next += 1;
    const id = `lecture-${this.next}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('the core did not answer in time'));
      }, TIMEOUT_MS);
      this.waiting.set(id, { resolve, reject, timer });
      post({ ...msg, id });
    });
  }

  /** A worker's answer (any message with an id this module gave). */
  onReply(msg) {
    const w = this.waiting.get(msg?.id);
    if (!w) return;
    this.waiting.delete(msg.id);
    clearTimeout(w.timer);
    if (msg.error) w.reject(new Error(msg.error));
    else w.resolve(msg);
  }

  /** Resolves once the worker behind `post` has handled every message sent before. */
  sync(post) {
    return this.ask(post, { type: 'ping' });
  }

  /** The figures of the run in the worker behind `post` (wasm Session.lecture_side). */
  async side(post) {
    return (await this.ask(post, { type: 'lecture-side' })).answer;
  }

  /** Which choice of a step happened: {choice, values} (wasm lecture_outcome). */
  async outcome(post, rule, figures) {
    return (await this.ask(post, { type: 'lecture-outcome', rule, figures })).answer;
  }

  /** The shape of a curve: 'falls' | 'u' | 'rises' | 'flat' (wasm lecture_shape). */
  async shape(post, values) {
    return (await this.ask(post, { type: 'lecture-shape', values: Array.from(values) })).answer;
  }

  /**
   * A sweep's figures {values, train, val}: the medians across seeds of `metric` per knob value
   * (wasm lecture_sweep_figures over the records as the page keeps them).
   */
  async sweep(post, values, records, metric) {
    return (await this.ask(post, { type: 'lecture-sweep', values, records, metric })).answer;
  }

  /** The init lab's figures {layers: [{layer, act_std, saturated}]} (wasm lecture_lab_figures). */
  async lab(post, report) {
    return (await this.ask(post, { type: 'lecture-lab', report })).answer;
  }
}
