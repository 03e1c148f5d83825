// What a failed read says to people: what happened in words first, the registry's own text
// after, and the next step where there is one.
import type { AppError } from "../ipc";

export type ErrorText = { title: string; detail: string; hint: string | null };

/** A graph that could not load, for `reference` (a tag or digest) in `repository`. */
export function graphErrorText(error: AppError, repository: string, reference: string): ErrorText {
  switch (error.code) {
    case "not_found":
      return {
        title: `${reference} is not in ${repository}.`,
        detail: "No tag or digest of that name: check it, or pick a tag from the list.",
        hint: "Check the tag or digest, then press Refresh.",
      };
    case "unreachable":
      return {
        title: "Could not reach the registry.",
        detail: `Is it running and reachable from this computer? (${error.message})`,
        hint: "Press Refresh once it is back.",
      };
    case "unauthorized":
      return {
        title: "The registry wants a sign-in.",
        detail: `${error.message}. Sign in from the registry's menu (⋯) in the sidebar.`,
        hint: null,
      };
    case "denied":
      return {
        title: "Not allowed.",
        detail: `This account may not read ${repository}. (${error.message})`,
        hint: null,
      };
    default:
      return { title: "Could not load the graph.", detail: error.message, hint: null };
  }
}
