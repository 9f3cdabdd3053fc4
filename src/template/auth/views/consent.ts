import { html } from "hono/html";
import type { Destination } from "../guards/redirect-uri.js";
import type { SignInForm } from "../identity/types.js";
import { layout } from "./layout.js";

export interface ConsentView {
  serverTitle: string;
  /** Everything below that came from the client (name, id, hosts, scopes) is attacker-chosen. */
  clientName: string;
  /** CIMD clients: the domain of the client_id URL, which the client controls. */
  clientDomain: string | undefined;
  clientId: string;
  /** Where the code goes: a web host, an app listening on this computer, or whichever app claims a scheme. */
  destination: Destination;
  scopes: { name: string; description: string | undefined }[];
  /** Scopes the client asked for that this server does not grant. */
  ignoredScopes: string[];
  handle: string;
  /** What the user does to prove who they are. */
  signIn: SignInForm;
  error: string | undefined;
}

/**
 * The consent page: who is asking (name, and verified domain for CIMD clients), where the tokens
 * go, what they allow. The form posts back to the same URL; the handle is bound to this browser
 * by a cookie, so a forged post from another site is refused.
 */
export function consentPage(v: ConsentView) {
  const clientName = plainName(v.clientName);
  return layout(
    `Authorize ${clientName}`,
    html`<h1>Allow <q>${clientName}</q> to use ${v.serverTitle}?</h1>
${
  v.signIn.kind === "dev"
    ? html`<div class="box dev" role="status"><strong>Development mode.</strong> No <code>AUTH_PASSPHRASE</code> is set, so this local server asks for the one-time code it printed in the terminal running <code>npm run dev</code> (or <code>wrangler dev</code>). Set a passphrase before you deploy.</div>`
    : ""
}
${v.error ? html`<div class="box error" role="alert">${v.error}</div>` : ""}
<div class="box">
${
  v.clientDomain
    ? html`<p>Published by <strong>${v.clientDomain}</strong> (client ID <code>${v.clientId}</code>).</p>`
    : html`<p>This app registered itself: its name is not verified.</p>`
}
${where(v.destination)}
</div>
${warning(v.destination, clientName)}
<p>It will be able to:</p>
<ul>
${v.scopes.map((s) => html`<li><code>${s.name}</code>${s.description ? html` — ${s.description}` : ""}</li>`)}
</ul>
${
  v.ignoredScopes.length
    ? html`<p class="muted">Also asked for, and not granted by this server: ${v.ignoredScopes.join(", ")}.</p>`
    : ""
}
<form method="post">
<input type="hidden" name="handle" value="${v.handle}">
${
  v.signIn.kind === "passphrase"
    ? html`<label for="passphrase">Server passphrase</label>
<input type="password" id="passphrase" name="passphrase" autocomplete="current-password" autofocus>`
    : ""
}
${
  v.signIn.kind === "dev"
    ? html`<label for="code">Development code (printed in the terminal running <code>npm run dev</code>)</label>
<input type="text" class="code" id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="32" placeholder="ABCDE-FGHJK" autofocus>`
    : ""
}
${v.signIn.kind === "upstream" ? html`<p class="muted">You will sign in with ${v.signIn.label} next.</p>` : ""}
<div class="actions">
<button class="primary" type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`,
  );
}

/** Where the sign-in goes, in words a person can check against what they just did. */
function where(d: Destination) {
  if (d.kind === "app") {
    return html`<p>Access will be sent to <strong>the app that opens <code>${d.scheme}://</code> links</strong> on your computer${d.host ? html` (<code>${d.host}</code>)` : ""}.</p>`;
  }
  return html`<p>Access will be sent to <strong>${d.host}</strong>.</p>`;
}

/**
 * Loopback and private-use redirects reach whatever is on this computer: any program can listen
 * on a port, and any installed app can claim a scheme. The person is the only one who knows
 * whether they just started signing in from that app.
 */
function warning(d: Destination, clientName: string) {
  if (d.kind === "loopback") {
    return html`<div class="box warn"><strong>This sends access to an app on your computer.</strong> Any program on it could be listening, whatever name it gives. Continue only if you just started signing in from it.</div>`;
  }
  if (d.kind === "app") {
    return html`<div class="box warn"><strong>Any app installed on your computer can claim <code>${d.scheme}://</code> links</strong>, whatever name it gives. Continue only if you just started signing in from <q>${clientName}</q> on this computer.</div>`;
  }
  return "";
}

const MAX_NAME_LENGTH = 80;

/**
 * A client-chosen name as plain text. Escaping stops markup, not deception: bidi overrides can
 * show a name reversed, invisible characters can hide what it says, and a long enough name pushes
 * the "not verified" note and the warnings below the fold.
 */
function plainName(name: string): string {
  const plain = name
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...plain];
  return chars.length > MAX_NAME_LENGTH ? `${chars.slice(0, MAX_NAME_LENGTH - 1).join("")}…` : plain;
}
