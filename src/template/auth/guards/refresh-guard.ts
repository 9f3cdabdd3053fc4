import { DurableObject } from "cloudflare:workers";
import { memo } from "../../memo.js";
import type { Answer, RefreshRotation, TokenCall } from "./refresh-rotation.js";

/**
 * One object per grant (named `userId:grantId`) through which every code exchange and refresh of
 * that grant passes, one at a time, with reuse detection (./refresh-rotation.ts says how).
 *
 * The entry exports this class, so a new isolate evaluates it at startup: it stays this thin, and
 * what it does (the OAuth provider among it) is imported on its first call (docs/performance.md,
 * "Keeping a fork fast"). Calls that arrive while that import runs wait for it and then run in the
 * order they arrived.
 */
export class RefreshGuard extends DurableObject<Env> {
  readonly #rotation = memo(
    async (): Promise<RefreshRotation> =>
      new (await import("./refresh-rotation.js")).RefreshRotation(this.ctx, this.env),
  );

  async exchange(call: TokenCall): Promise<Answer> {
    return (await this.#rotation()).exchange(call);
  }

  override async alarm(): Promise<void> {
    await (await this.#rotation()).alarm();
  }
}
