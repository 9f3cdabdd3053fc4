import * as z from "zod";
import { defineTool, toolError } from "../../template/api.js";
import {
  fromKelvinRounded,
  kelvinOf,
  TEMPERATURE_SYMBOL as symbol,
  TEMPERATURE_UNITS as units,
} from "../temperature.js";

/**
 * Pure computation: typed input, typed output (`structuredContent`), no side effects. When the
 * call names no target unit, the connection's setting decides (`temperatureUnit`, see
 * src/server/session.ts).
 */
export default defineTool({
  name: "convert_temperature",
  title: "Convert temperature",
  description: "Convert a temperature between Celsius, Fahrenheit and Kelvin.",
  inputSchema: z.object({
    value: z.number().describe("The temperature to convert"),
    from: z.enum(units).describe("Unit of `value`"),
    to: z.enum(units).optional().describe("Unit to convert to (default: the connection's temperatureUnit setting)"),
  }),
  outputSchema: z.object({
    value: z.number().describe("The converted temperature, rounded to 2 decimals"),
    unit: z.enum(units),
    text: z.string().describe("Human-readable result, e.g. 100 °C = 212 °F"),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler({ value, from, to: requested }, { session }) {
    const to = requested ?? session.temperatureUnit;
    const kelvin = kelvinOf(value, from);
    if (kelvin < 0) {
      return toolError(`${value} ${symbol[from]} is below absolute zero.`);
    }
    const result = fromKelvinRounded(kelvin, to);
    if (!Number.isFinite(result)) return toolError(`${value} ${symbol[from]} is too large to convert.`);
    const text = `${value} ${symbol[from]} = ${result} ${symbol[to]}`;
    return {
      content: [{ type: "text", text }],
      structuredContent: { value: result, unit: to, text },
    };
  },
});
