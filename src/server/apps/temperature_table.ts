import * as z from "zod";
import { defineApp, toolError } from "../../template/api.js";
import {
  fromKelvinRounded,
  kelvinOf,
  TEMPERATURE_SYMBOL as symbol,
  TEMPERATURE_UNITS as units,
} from "../temperature.js";

const bound = 1e6;
const row = z.object({ celsius: z.number(), fahrenheit: z.number(), kelvin: z.number() });

/**
 * An app: a tool whose result a host can show as an interactive view. Every client gets the
 * tool's text and structuredContent; a client that declares the io.modelcontextprotocol/ui
 * extension is also told about the view (the tool's _meta.ui) and can read it. The view
 * (./temperature_table/) calls this same tool back, through the host, for another range or unit.
 */
export default defineApp({
  name: "temperature_table",
  title: "Temperature table",
  description:
    "A table of temperatures from `start` to `end` (in `unit`) with their Celsius, Fahrenheit and Kelvin " +
    "equivalents. Hosts that render MCP Apps show it as a chart the user can change.",
  inputSchema: z.object({
    // Examples show models a sensible call, and `npm run app:host` opens on it.
    start: z
      .number()
      .min(-bound)
      .max(bound)
      .describe("First temperature of the range")
      .meta({ examples: [0] }),
    end: z
      .number()
      .min(-bound)
      .max(bound)
      .describe("Last temperature of the range")
      .meta({ examples: [100] }),
    unit: z.enum(units).describe("Unit of `start` and `end`"),
    steps: z.int().min(2).max(25).optional().describe("Number of rows, `start` and `end` included (default 11)"),
  }),
  outputSchema: z.object({
    unit: z.enum(units),
    start: z.number(),
    end: z.number(),
    rows: z.array(row).describe("Each temperature of the range in all three units, rounded to 2 decimals"),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler({ start, end, unit, steps = 11 }) {
    // A hair below zero is rounding (−459.67 °F), not a colder temperature.
    if (Math.min(kelvinOf(start, unit), kelvinOf(end, unit)) < -1e-9) {
      return toolError(`${Math.min(start, end)} ${symbol[unit]} is below absolute zero (0 K).`);
    }
    const rows = Array.from({ length: steps }, (_, i) => {
      const kelvin = kelvinOf(start + (i * (end - start)) / (steps - 1), unit);
      return Object.fromEntries(units.map((u) => [u, fromKelvinRounded(kelvin, u)])) as z.infer<typeof row>;
    });
    const lines = rows.map((r) => units.map((u) => `${r[u]} ${symbol[u]}`).join(" = "));
    return {
      content: [{ type: "text", text: `From ${start} to ${end} ${symbol[unit]}:\n${lines.join("\n")}` }],
      structuredContent: { unit, start, end, rows },
    };
  },
  view: {
    // The page built from ./temperature_table/ (index.html, view.ts) by scripts/views.mjs.
    uri: "ui://temperature_table/view.html",
    title: "Temperature table view",
    description: "Chart and table of a temperature range; change the range or unit in place.",
    // The view fetches nothing, loads nothing from elsewhere and asks for no device: everything
    // it needs is inlined, and it reaches the server only through the host.
    csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] },
    permissions: {},
    prefersBorder: true,
  },
});
