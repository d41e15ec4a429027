import { MoAError } from "../../errors/MoAError.js";
/**
 * A replayed model was asked something it has no recording for. `key` is the full lookup key; the
 * message shows its start, which is usually enough to spot a prompt-template mismatch.
 *
 * @example
 * try { await model.invoke("unrecorded"); } catch (e) { if (e instanceof ReplayMissError) console.log(e.key); }
 */
export class ReplayMissError extends MoAError {
  override readonly name = "ReplayMissError";

  constructor(
    readonly key: string,
    recordCount: number,
  ) {
    const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
    super(
      `ReplayChatModel: no recorded response for key ${JSON.stringify(shown)} (${recordCount} records); ` +
        "check that the prompt matches the recording exactly, or pass onMissing to reply anyway",
      { code: "replay_miss", category: "run" },
    );
  }
}
