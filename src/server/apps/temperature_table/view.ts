// The temperature_table view: renders the tool's structuredContent as a chart and a table, and asks
// the server for another range or unit by calling the tool again *through the host* (App SDK), the
// only channel it has: the resource's CSP allows no network at all (see ../temperature_table.ts).
import {
  App,
  applyDocumentTheme,
  applyHostStyleVariables,
  type McpUiHostContext,
} from "@modelcontextprotocol/ext-apps";

const UNITS = ["celsius", "fahrenheit", "kelvin"] as const;
type Unit = (typeof UNITS)[number];
type Row = Record<Unit, number>;
interface Table {
  unit: Unit;
  start: number;
  end: number;
  rows: Row[];
}
/** What a tool result carries, loosely: the view checks it before drawing (a host relays it as is). */
interface ToolResult {
  isError?: boolean;
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

const symbol: Record<Unit, string> = { celsius: "°C", fahrenheit: "°F", kelvin: "K" };

const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T;
const form = $<HTMLFormElement>("#range");
const startInput = $<HTMLInputElement>("#start");
const endInput = $<HTMLInputElement>("#end");
const showButton = $<HTMLButtonElement>("#show");
const unitButtons = [...document.querySelectorAll<HTMLButtonElement>(".units button")];
const chart = $<HTMLDivElement>("#chart");
const rowsBody = $<HTMLTableSectionElement>("#rows");
const status = $<HTMLParagraphElement>("#status");

let current: Table | undefined;
let unit: Unit = "celsius";

const app = new App({ name: "temperature_table", version: "1.0.0" });

// Handlers first, connect second: the host may send the result right after the handshake.
app.ontoolresult = (result) => show(result as ToolResult);
app.ontoolinput = ({ arguments: args }) => {
  if (!current && args) fillForm(args);
};
app.onhostcontextchanged = applyContext;

// Hosts sandbox views without `allow-forms`: a submit never fires. The button and Enter ask instead.
const showRange = () => void request(Number(startInput.value), Number(endInput.value), unit);
showButton.addEventListener("click", showRange);
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target instanceof HTMLInputElement) {
    event.preventDefault();
    showRange();
  }
});
for (const button of unitButtons) {
  button.addEventListener("click", () => {
    const next = button.dataset.unit as Unit;
    if (next === unit) return;
    // The same physical range in the other unit: the server converts, the view only asks.
    const start = current ? current.rows[0]?.[next] : undefined;
    const end = current ? current.rows.at(-1)?.[next] : undefined;
    setUnit(next);
    if (start !== undefined && end !== undefined) void request(start, end, next);
  });
}

// A narrower or wider frame (a phone turned, a resized panel): redraw at the new width.
let drawnWidth = 0;
new ResizeObserver(() => {
  if (current && chart.clientWidth !== drawnWidth) drawChart(current);
}).observe(chart);

await app.connect();
applyContext(app.getHostContext());

async function request(start: number, end: number, to: Unit): Promise<void> {
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    setStatus("Enter two numbers.", true);
    return;
  }
  showButton.disabled = true;
  setStatus("Asking the server…");
  try {
    const result = await app.callServerTool({ name: "temperature_table", arguments: { start, end, unit: to } });
    show(result as ToolResult);
  } catch (error) {
    setStatus(`The host could not call the tool: ${error instanceof Error ? error.message : String(error)}`, true);
  } finally {
    showButton.disabled = false;
  }
}

function show(result: ToolResult): void {
  if (result.isError) {
    setStatus(result.content?.find((c) => c.type === "text")?.text ?? "The tool failed.", true);
    return;
  }
  const table = asTable(result.structuredContent);
  if (!table) {
    setStatus("The tool result has no table.", true);
    return;
  }
  current = table;
  setUnit(table.unit);
  fillForm(table);
  drawChart(table);
  drawRows(table);
  setStatus(`${table.rows.length} rows, ${format(table.start)} to ${format(table.end)} ${symbol[table.unit]}`);
}

function asTable(value: Record<string, unknown> | undefined): Table | undefined {
  if (!value || !UNITS.includes(value.unit as Unit) || !Array.isArray(value.rows)) return undefined;
  const rows = value.rows.filter(
    (r): r is Row => typeof r === "object" && r !== null && UNITS.every((u) => typeof r[u] === "number"),
  );
  if (rows.length === 0) return undefined;
  return { unit: value.unit as Unit, start: Number(value.start), end: Number(value.end), rows };
}

function fillForm(args: { start?: unknown; end?: unknown; unit?: unknown }): void {
  if (typeof args.start === "number") startInput.value = String(args.start);
  if (typeof args.end === "number") endInput.value = String(args.end);
  if (UNITS.includes(args.unit as Unit)) setUnit(args.unit as Unit);
}

function setUnit(next: Unit): void {
  unit = next;
  for (const button of unitButtons) button.setAttribute("aria-pressed", String(button.dataset.unit === next));
  for (const th of document.querySelectorAll<HTMLElement>("th[data-unit]")) {
    th.classList.toggle("base", th.dataset.unit === next);
  }
}

const SVG = "http://www.w3.org/2000/svg";
const H = 200;
const PAD = { left: 44, right: 24, top: 8, bottom: 22 };

/** One line per unit against the chosen unit on the x axis: the three scales side by side. */
function drawChart({ rows, unit: base }: Table): void {
  // Drawn at the frame's own width, so text stays 11px on a phone instead of shrinking with it.
  const W = Math.max(240, chart.clientWidth || 480);
  const xs = rows.map((r) => r[base]);
  const ys = rows.flatMap((r) => UNITS.map((u) => r[u]));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const x = (v: number) => PAD.left + ((v - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);

  const svg = element("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Temperature chart" });
  for (const v of ticks(y0, y1)) {
    svg.append(element("line", { class: "grid", x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }));
    svg.append(element("text", { x: PAD.left - 4, y: y(v) + 4, "text-anchor": "end" }, format(v)));
  }
  for (const v of ticks(x0, x1)) {
    svg.append(element("text", { x: x(v), y: H - 6, "text-anchor": "middle" }, `${format(v)}${symbol[base]}`));
  }
  for (const u of UNITS) {
    const points = rows.map((r) => `${x(r[base]).toFixed(1)},${y(r[u]).toFixed(1)}`).join(" ");
    svg.append(element("polyline", { class: u, points }));
  }
  chart.replaceChildren(svg);
  drawnWidth = chart.clientWidth;
}

function drawRows({ rows, unit: base }: Table): void {
  rowsBody.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement("tr");
      for (const u of UNITS) {
        const td = document.createElement("td");
        td.textContent = format(row[u]);
        if (u === base) td.className = "base";
        tr.append(td);
      }
      return tr;
    }),
  );
}

function applyContext(context: McpUiHostContext | undefined): void {
  if (context?.theme) applyDocumentTheme(context.theme);
  if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
}

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle("error", error);
}

function ticks(lo: number, hi: number): number[] {
  if (hi === lo) return [lo];
  const step = niceStep((hi - lo) / 4);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step / 1e6; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const n = raw / power;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * power;
}

function format(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function element(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}
