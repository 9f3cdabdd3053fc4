/**
 * `localhost`, `*.localhost`, 127.0.0.0/8 and [::1]: the hosts where plain http is acceptable
 * (wrangler dev) and where a DNS-rebinding page could reach a local server. One definition for the
 * Worker and the preflight script, so they never disagree about what "local" means.
 */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "[::1]" ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname)
  );
}
