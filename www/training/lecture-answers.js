// Owns the training worker's answers to the Lecture path's questions: the message types (one list
// for the worker and the page's dispatcher) and what each asks of the core — a run's figures
// (`Session.lecture_side`), a rule's outcome, a sketch's shape, a sweep's medians, the init lab's
// layers. The core computes every answer; this module only routes the question.

/** The message types of the Lecture path's questions; each answer comes back with the same type. */
export const LECTURE_QUESTIONS = new Set(['lecture-side', 'lecture-outcome', 'lecture-shape', 'lecture-sweep', 'lecture-lab']);

/** The core's answer to one question; throws what the core throws (or when there is no run yet). */
export function lectureAnswer(msg, wasm, session) {
  switch (msg.type) {
    case 'lecture-side':
      if (!session) throw new Error('no run yet');
      return session.lecture_side();
    case 'lecture-outcome':
      return wasm.lecture_outcome(msg.rule, msg.figures);
    case 'lecture-shape':
      return wasm.lecture_shape(Float32Array.from(msg.values ?? []));
    case 'lecture-sweep':
      return wasm.lecture_sweep_figures(msg.values, msg.records, msg.metric);
    default:
      return wasm.lecture_lab_figures(msg.report);
  }
}
