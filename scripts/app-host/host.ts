// A minimal MCP Apps host, for trying views locally and for the browser tests (src/server/apps/*.browser.test.mjs):
// an MCP client that declares the io.modelcontextprotocol/ui extension, calls one tool, reads the
// ui:// resource the tool names, and shows it in a sandboxed iframe through the extension's
// AppBridge. The view's requests reach the server only through here, and only for tools it may call.
//
// Query parameters: tool (default: the first tool with a view), args (JSON; default: arguments made
// from the tool's input schema, ./example-arguments.ts), mcp (the server's MCP endpoint, default
// this origin's /mcp, which scripts/app-host.mjs forwards to the Worker), theme (light or dark).

import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import {
  AppBridge,
  buildAllowAttribute,
  getToolUiResourceUri,
  type McpUiHostContext,
  type McpUiResourceCsp,
  type McpUiResourceMeta,
  PostMessageTransport,
  RESOURCE_MIME_TYPE,
} from "@modelcontextprotocol/ext-apps/app-bridge";
import { exampleArguments } from "./example-arguments.js";

/** What the browser test reads: every request the view made through the host, in order. */
interface HostRecord {
  ready: boolean;
  error?: string;
  toolCalls: { name: string; arguments: unknown; isError: boolean }[];
  refused: string[];
}
const record: HostRecord = { ready: false, toolCalls: [], refused: [] };
(window as unknown as { mcpHost: HostRecord }).mcpHost = record;

const params = new URL(location.href).searchParams;
const endpoint = new URL(params.get("mcp") ?? "/mcp", location.href);
/** The tool to call: `?tool=`, else the first tool the server offers with a view. */
let toolName = params.get("tool") ?? "";
const givenArgs = params.get("args");
const theme = params.get("theme") === "dark" ? "dark" : "light";

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const logLine = (line: string, error = false) => {
  const span = document.createElement("span");
  span.textContent = `${line}\n`;
  if (error) span.className = "error";
  $("log").append(span);
};

try {
  await run();
} catch (error) {
  record.error = error instanceof Error ? error.message : String(error);
  logLine(`host error: ${record.error}`, true);
}

async function run(): Promise<void> {
  $("server").textContent = `MCP server: ${endpoint.href}`;
  const client = new Client(
    { name: "mcp-app-local-host", version: "1.0.0" },
    // The declaration that makes the server offer its apps (negotiated, never forced).
    { capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [RESOURCE_MIME_TYPE] } } } },
  );
  await client.connect(new StreamableHTTPClientTransport(endpoint));

  const { tools } = await client.listTools();
  toolName ||= tools.find((t) => getToolUiResourceUri(t))?.name ?? "";
  if (!toolName)
    throw new Error("the server offers no tool with a view (an app in src/server/apps/): name one with ?tool=");
  const tool = tools.find((t) => t.name === toolName);
  if (!tool) throw new Error(`the server has no tool named ${toolName}`);
  const args = givenArgs ? (JSON.parse(givenArgs) as Record<string, unknown>) : exampleArguments(tool.inputSchema);

  $("call").textContent = `${toolName}(${JSON.stringify(args)})`;
  const result = await client.callTool({ name: toolName, arguments: args });
  $("text").textContent = (result.content as { type: string; text?: string }[])
    .map((c) => (c.type === "text" ? c.text : `[${c.type}]`))
    .join("\n");

  const uri = getToolUiResourceUri(tool);
  if (!uri) {
    $("view").textContent = "This tool has no app view: the text above is all there is.";
    record.ready = true;
    return;
  }
  const resource = await client.readResource({ uri });
  const content = resource.contents[0];
  if (!content || !("text" in content) || content.mimeType !== RESOURCE_MIME_TYPE) {
    throw new Error(`${uri} is not an ${RESOURCE_MIME_TYPE} document`);
  }
  // The content item's _meta.ui wins over the resources/list entry's (the extension's rule).
  const listed = (await client.listResources()).resources.find((r) => r.uri === uri);
  const ui = ((content._meta?.ui ?? listed?._meta?.ui) as McpUiResourceMeta | undefined) ?? {};

  const iframe = document.createElement("iframe");
  // An opaque origin: no cookies, no storage, no access to this page. Scripts only.
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.setAttribute("allow", buildAllowAttribute(ui.permissions));
  iframe.title = `${toolName} view`;
  $("view").append(iframe);

  const hostContext: McpUiHostContext = {
    theme,
    displayMode: "inline",
    availableDisplayModes: ["inline"],
    platform: "web",
    locale: navigator.language,
    containerDimensions: { maxHeight: 800, width: iframe.clientWidth },
    toolInfo: { tool },
  };
  const bridge = new AppBridge(
    null,
    { name: "mcp-app-local-host", version: "1.0.0" },
    { serverTools: {}, logging: {} },
    { hostContext },
  );
  bridge.oncalltool = async (call) => {
    const target = tools.find((t) => t.name === call.name);
    // A view may call its own server's tools, unless a tool is meant for the model only.
    const visibility = (target?._meta?.ui as { visibility?: string[] } | undefined)?.visibility;
    if (!target || (visibility && !visibility.includes("app"))) {
      record.refused.push(call.name);
      logLine(`refused: the view may not call ${call.name}`, true);
      throw new Error(`Tool ${call.name} is not available to this view`);
    }
    const answer = await client.callTool(call);
    record.toolCalls.push({ name: call.name, arguments: call.arguments, isError: answer.isError === true });
    logLine(`tools/call ${call.name} ${JSON.stringify(call.arguments)} → ${answer.isError ? "error" : "ok"}`);
    return answer as Awaited<ReturnType<NonNullable<AppBridge["oncalltool"]>>>;
  };
  bridge.onloggingmessage = ({ level, data }) => logLine(`view log (${level}): ${JSON.stringify(data)}`);
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${Math.min(Math.ceil(height) + 2, 800)}px`;
  };
  bridge.oninitialized = () => {
    void bridge.sendToolInput({ arguments: args });
    void bridge.sendToolResult(result as Parameters<AppBridge["sendToolResult"]>[0]);
    record.ready = true;
  };
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  iframe.srcdoc = withCsp(content.text, ui.csp);
}

/**
 * The page with the CSP its resource declared, as the first thing in <head>: a real host serves
 * the view from a sandbox origin with this policy as a header. Undeclared means none allowed.
 */
function withCsp(html: string, csp: McpUiResourceCsp | undefined): string {
  const origins = (list: string[] | undefined) =>
    (list ?? []).filter((o) => /^(https?|wss?):\/\/[\w.*-]+(:\d+)?$/.test(o)).join(" ");
  const resources = origins(csp?.resourceDomains);
  const policy = [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources}`,
    `style-src 'unsafe-inline' ${resources}`,
    `img-src data: ${resources}`,
    `font-src data: ${resources}`,
    `media-src ${resources || "'none'"}`,
    `connect-src ${origins(csp?.connectDomains) || "'none'"}`,
    `frame-src ${origins(csp?.frameDomains) || "'none'"}`,
    `base-uri ${origins(csp?.baseUriDomains) || "'none'"}`,
  ].join("; ");
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy.replace(/"/g, "&quot;")}">`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}${meta}`) : meta + html;
}
