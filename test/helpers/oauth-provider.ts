import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";

/**
 * An MCP client's OAuth state as the SDK's `auth()` keeps it, in memory; the test drives the
 * "browser" (`authorizationUrl` is where the client would send it). `invalidated` records what the
 * SDK told the client to forget, and forgets it, as real clients do.
 */
export class MemoryOAuthClient implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = "";
  authorizationUrl: URL | undefined;
  invalidated: string[] = [];

  constructor(
    readonly clientMetadata: OAuthClientMetadata,
    /** Set for a client that identifies itself by a metadata document (CIMD) instead of registering. */
    readonly clientMetadataUrl?: string,
  ) {}
  get redirectUrl(): string {
    return String(this.clientMetadata.redirect_uris[0]);
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery") {
    this.invalidated.push(scope);
    if (scope === "all" || scope === "client") this.client = undefined;
    if (scope === "all" || scope === "tokens") this.saved = undefined;
  }
}
