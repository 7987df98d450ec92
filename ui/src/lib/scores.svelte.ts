// The checklists' and the stress check's results for the interview being edited, computed by the
// core as it changes. Answers are numbered, so a late answer never overwrites a newer one.
import { commands } from "./api";
import type { Interview } from "../bindings/Interview";
import type { InterviewScores } from "../bindings/InterviewScores";

/** Call during a component's setup; `current` follows `interview()`. */
export function liveScores(interview: () => Interview): { readonly current: InterviewScores | null } {
  let scores: InterviewScores | null = $state(null);
  let seq = 0;
  $effect(() => {
    const body = $state.snapshot(interview()) as Interview;
    const mine = ++seq;
    commands
      .interview_scores(body)
      .then((s) => {
        if (mine === seq) scores = s;
      })
      .catch(() => {});
  });
  return {
    get current() {
      return scores;
    },
  };
}
