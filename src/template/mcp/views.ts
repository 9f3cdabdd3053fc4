/**
 * An app's page, `ui://<name>/view.html`: built from src/server/apps/<name>/index.html by
 * scripts/views.mjs into the Worker's static assets, read through the ASSETS binding when a client
 * reads the resource, never at startup. (The binding reaches only this deployment's own files.)
 */
export async function readView(env: Env, uri: string): Promise<string> {
  const { host, pathname } = new URL(uri);
  const response = await env.ASSETS.fetch(`https://assets.invalid/${host}${pathname}`);
  if (!response.ok) {
    // A build that skipped scripts/views.mjs: say so, rather than serve an empty view.
    throw new Error(`The view ${uri} was not built: run \`npm run views\` (wrangler's [build] does).`);
  }
  return response.text();
}
